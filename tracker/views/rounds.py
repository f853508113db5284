"""Assessment rounds (issue 21): an agreement's rounds and the form to open one, a round's
page with its actions (move the cut-off, send to review, reply, publish), the comparison of
two rounds, and the compliance report as PDF, XLSX or CSV.

Everything shown of a round is read from its snapshot and its replies
(`rounds.report.round_report`), never from the live agreement. One view serves a page and
its POSTs: a plain POST redirects back, an htmx POST gets the `round-body` fragment back.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import services
from ..models import AssessmentRound, Party, RoundState, User
from ..rounds import output
from ..rounds.compare import rounds_compared
from ..rounds.forms import CutoffForm, ReplyForm, RoundOpenForm
from ..rounds.report import report_of
from .common import get_agreement_for_user, member_required, vary_on_htmx

EDIT = "tracker.change_assessmentround"


def _get_round_for_user(user: User, slug: str, number: int) -> AssessmentRound:
    """The round of an agreement the user may see, or 404."""
    agreement = get_agreement_for_user(user, slug)
    return get_object_or_404(
        AssessmentRound.objects.select_related("agreement"), agreement=agreement, number=number
    )


@member_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agreement's rounds, and for editors the form to open the next one."""
    agreement = get_agreement_for_user(request.user, slug)
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("tracker.add_assessmentround"):
            raise PermissionDenied(_("Only editors open assessment rounds."))
        if form.is_valid():
            try:
                round_ = services.round_open(
                    agreement=agreement, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Round %(n)s opened.") % {"n": round_.number})
                return redirect(round_)
    context = {
        "agreement": agreement,
        "rounds": agreement.rounds.order_by("-number"),
        "form": form,
        "may_open": request.user.has_perm("tracker.add_assessmentround"),
    }
    return render(request, "tracker/round_list.html", context)


@member_required
def round_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A round's page, and its actions as POSTs (`ACTIONS`): who may do what is checked by
    each action and again by its service; a refusal is shown on the page, never a 500."""
    round_ = _get_round_for_user(request.user, slug, number)
    forms, done = {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Unknown action."))
        forms, done = ACTIONS[action](request, round_)
        if done:
            messages.success(request, str(done))
            if not request.htmx:
                return redirect(round_)
        round_ = _get_round_for_user(request.user, slug, number)
    context = _context(request.user, round_, forms)
    template = "tracker/round_detail.html"
    if request.htmx:
        template += "#round-body"
    return vary_on_htmx(render(request, template, context))


def _may_reply(user: User, round_: AssessmentRound) -> bool:
    """Editors reply for any party, a representative for theirs, while the round is in review."""
    if round_.state != RoundState.IN_REVIEW:
        return False
    parties = {party["id"] for party in round_.snapshot["agreement"]["parties"]}
    return user.has_perm("tracker.add_roundreply") or user.represents_party_id in parties


def _reply_form(user: User, round_: AssessmentRound, data=None) -> ReplyForm:
    fixed = None if user.has_perm("tracker.add_roundreply") else user.represents_party_id
    return ReplyForm(data, snapshot=round_.snapshot, fixed_party=fixed)


def _context(user: User, round_: AssessmentRound, forms: dict) -> dict:
    may_edit = user.has_perm(EDIT) and round_.state != RoundState.PUBLISHED
    others = round_.agreement.rounds.exclude(pk=round_.pk).order_by("number")
    return {
        "round": round_,
        "agreement": round_.agreement,
        "report": report_of(round_),
        "may_edit": may_edit,
        "cutoff_form": forms.get("cutoff_form")
        or (CutoffForm(initial={"cutoff": round_.cutoff}) if may_edit else None),
        "reply_form": forms.get("reply_form")
        or (_reply_form(user, round_) if _may_reply(user, round_) else None),
        "action_error": forms.get("error"),
        "other_rounds": others,
        "formats": output.FORMATS,
    }


def _require_edit(request: HttpRequest) -> None:
    if not request.user.has_perm(EDIT):
        raise PermissionDenied(_("Only editors move a round along."))


def _set_cutoff(request: HttpRequest, round_: AssessmentRound) -> tuple[dict, str]:
    _require_edit(request)
    form = CutoffForm(request.POST)
    if form.is_valid():
        try:
            services.round_set_cutoff(
                round_=round_, cutoff=form.cleaned_data["cutoff"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Cut-off moved; the round's data was frozen again as of it.")
    return {"cutoff_form": form}, ""


def _step(service, done: str):
    def action(request: HttpRequest, round_: AssessmentRound) -> tuple[dict, str]:
        _require_edit(request)
        try:
            service(round_=round_, by=request.user)
        except ValidationError as error:
            return {"error": " ".join(error.messages)}, ""
        return {}, done

    return action


def _reply(request: HttpRequest, round_: AssessmentRound) -> tuple[dict, str]:
    if not (_may_reply(request.user, round_) or round_.state == RoundState.PUBLISHED):
        raise PermissionDenied(_("You may reply only for the party you represent."))
    form = _reply_form(request.user, round_, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            party = Party.objects.filter(pk=data["party"]).first()
            if party is None:
                raise ValidationError(_("That party no longer exists."))
            services.round_reply(
                round_=round_,
                commitment_id=data["commitment_id"],
                party=party,
                text=data["text"],
                recalibrated_score=data["recalibrated_score"],
                recalibration_reason=data["recalibration_reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Reply recorded.")
    return {"reply_form": form}, ""


ACTIONS = {
    "set-cutoff": _set_cutoff,
    "to-review": _step(
        services.round_to_review, gettext_lazy("The round is in review: the parties may reply.")
    ),
    "publish": _step(
        services.round_publish, gettext_lazy("Round published: it will not change again.")
    ),
    "reply": _reply,
}


@member_required
@require_GET
def round_report_file(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    """The compliance report of a round, as PDF, XLSX or CSV."""
    if fmt not in output.FORMATS:
        raise Http404
    round_ = _get_round_for_user(request.user, slug, number)
    report = report_of(round_)
    response = HttpResponse(output.report_file(report, fmt), content_type=output.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{output.report_filename(report, fmt)}"'
    )
    return response


@member_required
@require_GET
def round_compare(request: HttpRequest, slug: str, number: int, other: int) -> HttpResponse:
    """Two rounds side by side: what moved, for which party, and why."""
    first = _get_round_for_user(request.user, slug, number)
    second = get_object_or_404(AssessmentRound, agreement=first.agreement, number=other)
    earlier, later = sorted((first, second), key=lambda r: r.number)
    context = {
        "agreement": first.agreement,
        "earlier": report_of(earlier),
        "later": report_of(later),
    }
    context["moves"] = rounds_compared(context["earlier"], context["later"])
    return render(request, "tracker/round_compare.html", context)
