"""The evidence inbox: the proposals waiting for an analyst, for one agreement or for every
agreement the user may see, and the actions on them: accept (as evidence, through the same
service as the commitment page), re-target, reject, reject several.

One view serves the page and its POSTs. A plain POST redirects back (or shows the page with
the errors); an htmx POST gets the `inbox` fragment back, rebuilt from fresh queries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors, services
from ..inbox_forms import AcceptForm, BulkRejectForm, RejectForm, RetargetForm
from ..models import Agreement, Proposal
from .common import get_agreement_for_user, member_required, paginate, vary_on_htmx

PER_PAGE = 25
BULK_LIMIT = 200  # proposals one bulk rejection may name
ACTIONS = ("accept", "retarget", "reject", "bulk-reject")
# Every action makes or refuses evidence: the permission to log evidence.
PERMISSION = "tracker.add_evidence"


@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Every waiting proposal of the agreements the user may see."""
    return _inbox(request, agreement=None)


@member_required
def agreement_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    """The waiting proposals of one agreement (404 for one the user may not see)."""
    return _inbox(request, agreement=get_agreement_for_user(request.user, slug))


def _inbox(request: HttpRequest, *, agreement: Agreement | None) -> HttpResponse:
    forms, done = {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseBadRequest("Unknown action.")
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied(_("Only analysts decide on proposals."))
        forms, done = _perform(request, action)
        if done:
            messages.success(request, done)
            if not request.htmx:
                return redirect(_address(request))
    context = _context(request, agreement, forms) | {"done": bool(done)}
    template = "tracker/inbox.html"
    if request.htmx and not request.htmx.boosted:
        template += "#inbox"
    return vary_on_htmx(render(request, template, context))


def _id(value: str) -> int | None:
    """A row id as posted, or None for anything that cannot be one (a number past 64 bits
    would be a database error)."""
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _perform(request: HttpRequest, action: str) -> tuple[dict, str]:
    if action == "bulk-reject":
        return _bulk_reject(request)
    pk = _id(request.POST.get("proposal", ""))
    proposal = selectors.proposal_for_user(request.user, pk) if pk else None
    if proposal is None:
        raise Http404("No such proposal.")
    return {"accept": _accept, "retarget": _retarget, "reject": _reject}[action](request, proposal)


def _accept(request: HttpRequest, proposal: Proposal) -> tuple[dict, str]:
    parties = list(proposal.commitment.agreement.parties.all())
    form = AcceptForm(request.POST, proposal=proposal, parties=parties)
    if form.is_valid():
        try:
            services.proposal_accept(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Accepted as evidence for %(reference)s.") % {
                "reference": proposal.commitment.reference
            }
    return {"accept": (proposal.pk, form)}, ""


def _retarget(request: HttpRequest, proposal: Proposal) -> tuple[dict, str]:
    form = RetargetForm(request.POST)
    if form.is_valid():
        commitment = (
            selectors.commitments_visible_to(request.user)
            .filter(pk=form.cleaned_data["commitment"])
            .first()
        )
        try:
            if commitment is None:
                raise ValidationError(_("Choose a commitment of the same agreement."))
            services.proposal_retarget(proposal=proposal, commitment=commitment, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Proposed for %(reference)s instead.") % {
                "reference": commitment.reference
            }
    return {"retarget": (proposal.pk, form)}, ""


def _reject(request: HttpRequest, proposal: Proposal) -> tuple[dict, str]:
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_reject(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Rejected: it will not be proposed for that commitment again.")
    return {"reject": (proposal.pk, form)}, ""


def _bulk_reject(request: HttpRequest) -> tuple[dict, str]:
    form = BulkRejectForm(request.POST)
    ids = [pk for value in request.POST.getlist("proposal")[:BULK_LIMIT] if (pk := _id(value))]
    if form.is_valid():
        chosen = list(selectors.inbox_proposals(request.user).filter(pk__in=ids))
        if not chosen:
            form.add_error(None, _("Tick the proposals to reject."))
        else:
            try:
                count = services.proposals_reject(
                    proposals=chosen, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return {}, ngettext(
                    "Rejected %(count)s proposal.", "Rejected %(count)s proposals.", count
                ) % {"count": count}
    return {"bulk": form}, ""


def _context(request: HttpRequest, agreement: Agreement | None, forms: dict) -> dict:
    user = request.user
    page = paginate(request, selectors.inbox_proposals(user, agreement=agreement), PER_PAGE)
    proposals = list(page.object_list)
    choices = selectors.retarget_choices(
        user, {proposal.commitment.agreement_id for proposal in proposals}
    )
    open_pk, open_form = forms.get("accept", (None, None))
    if open_pk is None:
        open_pk = _id(request.GET.get("accept", ""))
    listed = {proposal.pk for proposal in proposals}
    # A refusal about a proposal no longer listed (decided meanwhile) is said at the top.
    refusals = [
        error
        for name in ("accept", "retarget", "reject")
        if name in forms and forms[name][0] not in listed
        for errors in forms[name][1].errors.values()
        for error in errors
    ]
    for proposal in proposals:
        proposal.retarget_to = [
            commitment
            for commitment in choices.get(proposal.commitment.agreement_id, [])
            if commitment.pk != proposal.commitment_id
        ]
        proposal.accept_form = None
        if proposal.pk == open_pk:
            proposal.accept_form = open_form or AcceptForm(
                proposal=proposal, parties=list(proposal.commitment.agreement.parties.all())
            )
        for name in ("retarget", "reject"):
            pk, form = forms.get(name, (None, None))
            setattr(proposal, f"{name}_form", form if pk == proposal.pk else None)
    return {
        "agreement": agreement,
        "page": page,
        "proposals": proposals,
        "bulk_form": forms.get("bulk") or BulkRejectForm(),
        "refusals": refusals,
        "can_decide": user.has_perm(PERMISSION),
        "here": _address(request),
        "query": _query_without(request, "page", "accept"),
    }


def _address(request: HttpRequest) -> str:
    """This page's address as the forms post to it: its filters and page, no open form."""
    query = _query_without(request, "accept")
    return f"{request.path}?{query}" if query else request.path


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
