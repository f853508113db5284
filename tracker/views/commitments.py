"""The commitment page and its actions: log evidence, change the status, retract evidence,
extend the deadline.

One view serves the page and its POSTs. A plain POST redirects back (or re-renders the page
with the errors); an htmx POST gets the `activity` fragment back, rebuilt from fresh queries.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import audit, selectors, services
from ..forms import (
    CitableEvidence,
    CriterionMetForm,
    EvidenceForm,
    ExtensionForm,
    ObligationStatusForm,
    RetractForm,
    StatusChangeForm,
)
from ..models import Commitment, Evidence, Obligation, User
from .common import get_commitment_for_user, member_required, vary_on_htmx

# action -> the permission it needs
ACTIONS = {
    "log-evidence": "tracker.add_evidence",
    "change-status": "tracker.add_statuschange",
    "change-party-status": "tracker.add_statuschange",
    "retract-evidence": "tracker.change_evidence",
    "extend-deadline": "tracker.add_deadlineextension",
    "criterion-met": "tracker.change_criterion",
    "criterion-unmet": "tracker.change_criterion",
}


@member_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page, and its actions as POSTs: a plain POST redirects back on success (or shows
    the page with the errors); an htmx POST gets the `activity` fragment back, with the
    message in the page's live region and the focus on the history's heading (`done`)."""
    commitment = get_commitment_for_user(request.user, pk, warnings=False)
    forms, done = {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseBadRequest("Unknown action.")
        if not request.user.has_perm(ACTIONS[action]):
            raise PermissionDenied
        forms, done = _perform(request, commitment, action)
        _focus_first_error(forms)
        if done:
            # The fragment shows it too, in the page's live region (an out-of-band swap).
            messages.success(request, done)
            if not request.htmx:
                return redirect(commitment)
        commitment = get_commitment_for_user(request.user, pk, warnings=False)
    context = _context(request.user, commitment, forms) | {
        "retract_open": _retract_open(request, forms),
        "done": bool(done),
    }
    template = "tracker/commitment_detail.html"
    if request.htmx:
        template += "#activity"
    return vary_on_htmx(render(request, template, context))


def _focus_first_error(forms: dict) -> None:
    """Mark where the keyboard goes when an action is refused: its first visible field in
    error, else the form's own error. htmx focuses what carries `autofocus` after the swap,
    a browser after the page loads. (The retraction form marks its only field itself.)"""
    for form in forms.values():
        if isinstance(form, RetractForm):
            continue
        name = next((n for n in form.fields if n in form.errors and not form[n].is_hidden), None)
        if name:
            form.fields[name].widget.attrs["autofocus"] = True
        else:
            form.focus_errors = True


def _retract_open(request: HttpRequest, forms: dict) -> int | None:
    """The evidence whose retraction form shows: the one asked for (`?retract=<id>`, a link
    beside each piece of evidence), or the one whose retraction came back with errors. The
    others show only the link: a form for each piece of evidence was most of the page."""
    retract_form = forms.get("retract_form")
    asked = retract_form.data.get("evidence") if retract_form else request.GET.get("retract")
    return int(asked) if asked and str(asked).isdigit() else None


def _perform(request: HttpRequest, commitment: Commitment, action: str) -> tuple[dict, str]:
    """Run one action. Returns the bound form on failure, or a success message."""
    return {
        "log-evidence": _log_evidence,
        "change-status": _change_status,
        "change-party-status": _change_party_status,
        "retract-evidence": _retract_evidence,
        "extend-deadline": _extend_deadline,
        "criterion-met": _criterion_met,
        "criterion-unmet": _criterion_met,
    }[action](request, commitment)


def _log_evidence(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    form = EvidenceForm(
        request.POST,
        request.FILES,
        parties=list(commitment.agreement.parties.all()),
        responsible=list(commitment.responsible_parties.all()),
    )
    if form.is_valid():
        try:
            services.evidence_log(commitment=commitment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Evidence logged.")
    return {"evidence_form": form}, ""


def _change_status(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    evidence = CitableEvidence(list(commitment.evidence.all()))
    form = StatusChangeForm(request.POST, commitment=commitment, evidence=evidence)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_set_status(
                commitment=commitment,
                status=data["status"],
                reason=data["reason"],
                evidence=data["evidence"],
                expected_version=data["version"],
                by=request.user,
                unmet_criteria_reason=data["unmet_criteria_reason"],
            )
        except (ValidationError, services.StatusConflict) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            return {}, _("Status changed.")
    return {"status_form": form}, ""


def _change_party_status(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    """One party's status (`services.obligation_set_status`): the party is named by a field
    outside the form's prefix, and must be one of the commitment's responsible parties."""
    party = request.POST.get("party", "")
    obligation = (
        Obligation.objects.filter(commitment=commitment, party_id=party)
        .select_related("party", "commitment")
        .first()
        if party.isascii() and party.isdigit() and len(party) < 10
        else None
    )
    if obligation is None:
        raise BadRequest(_("That party is not responsible for this commitment."))
    evidence = CitableEvidence(list(commitment.evidence.all()))
    form = ObligationStatusForm(request.POST, obligation=obligation, evidence=evidence)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.obligation_set_status(
                commitment=commitment,
                party=obligation.party,
                status=data["status"],
                reason=data["reason"],
                evidence=data["evidence"],
                expected_version=data["version"],
                by=request.user,
                unmet_criteria_reason=data["unmet_criteria_reason"],
            )
        except (ValidationError, services.ObligationConflict) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            return {}, _("Status of %(party)s changed.") % {"party": obligation.party.code}
    return {"party_status_form": form}, ""


def _criterion_met(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    """Mark a criterion met (day and evidence), or with action `criterion-unmet` not met."""
    form = CriterionMetForm(
        request.POST,
        criteria=list(commitment.criteria.all()),
        evidence=CitableEvidence(list(commitment.evidence.all())),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "criterion-unmet":
                services.criterion_set_unmet(criterion=data["criterion"], by=request.user)
                return {}, _("Criterion marked not met.")
            services.criterion_set_met(
                criterion=data["criterion"],
                met_on=data["met_on"],
                evidence=data["evidence"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Criterion marked met.")
    return {"criterion_form": form}, ""


def _retract_evidence(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    form = RetractForm(request.POST)
    if form.is_valid():
        evidence = commitment.evidence.filter(pk=form.cleaned_data["evidence"]).first()
        try:
            if evidence is None:
                raise ValidationError(_("That evidence does not belong to this commitment."))
            services.evidence_retract(
                evidence=evidence, reason=form.cleaned_data["retraction_reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Evidence retracted; it stays in the record.")
    return {"retract_form": form}, ""


def _extend_deadline(request: HttpRequest, commitment: Commitment) -> tuple[dict, str]:
    form = ExtensionForm(request.POST, milestones=commitment.agreement.milestones.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_extend_deadline(
                commitment=commitment,
                wording=data["timeline_wording"],
                milestone=data["milestone"],
                reason=data["reason"],
                source_title=data["source_title"],
                source_url=data["source_url"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return {}, _("Deadline extended; the original date is kept.")
    return {"extension_form": form}, ""


def _context(user: User, commitment: Commitment, forms: dict) -> dict:
    today = timezone.localdate()
    history, evidence = selectors.commitment_history(commitment)
    links = selectors.commitment_links(commitment)
    warnings = selectors.warnings_read(
        commitment,
        today=today,
        now=timezone.now(),
        evidence=evidence,
        prerequisites=links["prerequisites"],
    )
    for name, value in warnings.items():
        setattr(commitment, name, value)
    changes = [entry.item for entry in history if entry.kind == "status"]  # newest first
    parties = selectors.agreement_parties(commitment)
    criteria = selectors.commitment_criteria(commitment)
    obligations = selectors.commitment_obligations(commitment, changes=changes)
    can = {
        "can_log_evidence": user.has_perm("tracker.add_evidence"),
        "can_change_status": user.has_perm("tracker.add_statuschange"),
        "can_retract": user.has_perm("tracker.change_evidence"),
        "can_extend": user.has_perm("tracker.add_deadlineextension"),
        "can_mark_criteria": user.has_perm("tracker.change_criterion"),
    }
    action_forms = _action_forms(
        can, commitment, forms, CitableEvidence(evidence), parties, criteria, obligations
    )
    return (
        _recurring(commitment, history, evidence, today)
        | can
        | action_forms
        | {
            "commitment": commitment,
            "commitment_url": commitment.get_absolute_url(),  # where each form posts
            "agreement": commitment.agreement,
            "today": today,
            "days_overdue": commitment.days_overdue(today),
            "days_left": commitment.days_left(today),
            "is_flagged": any(
                entry.kind == "flagged" and entry.item.cleared_at is None for entry in history
            ),
            "history": history,
            "claims": _claims(evidence, parties),
            "links": links,
            "days_late_original": commitment.days_late_against_original(today),
            "stale_after_days": settings.STALE_AFTER_DAYS,
            "retract_form": forms.get("retract_form"),
            "obligations": obligations,
            "criteria": criteria,
        }
    )


def _action_forms(
    can: dict,
    commitment: Commitment,
    forms: dict,
    citable: CitableEvidence,
    parties: list,
    criteria: list,
    obligations: list,
) -> dict:
    """The form of each action the page shows: the one posted, when it came back with
    errors, else a blank one; each party's on its obligation (`form`). A form the page does
    not show (no permission, or no criterion to mark) is not built."""
    shown = dict.fromkeys(["evidence_form", "extension_form", "status_form", "criterion_form"])
    shown.update((name, form) for name, form in forms.items() if name in shown)
    if can["can_log_evidence"] and not shown["evidence_form"]:
        shown["evidence_form"] = EvidenceForm(
            parties=parties, responsible=list(commitment.responsible_parties.all())
        )
    if can["can_extend"] and not shown["extension_form"]:
        shown["extension_form"] = ExtensionForm(milestones=commitment.agreement.milestones.all())
    if can["can_change_status"] and not shown["status_form"]:
        shown["status_form"] = StatusChangeForm(commitment=commitment, evidence=citable)
    if can["can_mark_criteria"] and criteria and not shown["criterion_form"]:
        shown["criterion_form"] = CriterionMetForm(criteria=criteria, evidence=citable)
    bound = forms.get("party_status_form")
    for entry in obligations if can["can_change_status"] else ():
        if bound is not None and bound.obligation.pk == entry.obligation.pk:
            entry.form = bound
        else:
            entry.obligation.commitment = commitment
            entry.form = ObligationStatusForm(obligation=entry.obligation, evidence=citable)
    return shown


def _recurring(commitment: Commitment, history: list, evidence: list, today) -> dict:
    """A recurring commitment's reading, the period it owes and its series of periods; each
    overdue flag named by its period. Empty values for any other commitment."""
    reading = selectors.recurring_reading(commitment)
    if not reading:
        return {"reading": "", "owed_label": "", "series": []}
    for entry in history:
        if entry.kind == "flagged":
            entry.item.period_label = selectors.commitment_period_label(
                commitment, entry.item.due_on
            )
    changes = [entry.item for entry in history if entry.kind == "status"]
    return {
        "reading": reading,
        "owed_label": selectors.commitment_period_label(commitment, commitment.due_on),
        "series": selectors.commitment_series(
            commitment, evidence=evidence, changes=changes, today=today
        ),
    }


def _claims(evidence: list[Evidence], parties) -> list[tuple]:
    """Each party's current claim, side by side, for a disputed commitment."""
    claims = selectors.current_claims(evidence)
    return [(party, claims.get(party.pk)) for party in parties]


@member_required
@require_GET
def commitment_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail: its own page, or the fragment the commitment page loads on demand."""
    commitment = get_commitment_for_user(request.user, pk)
    context = {
        "commitment": commitment,
        "agreement": commitment.agreement,
        "audit_trail": audit.commitment_audit_trail(commitment),
    }
    if request.htmx:
        return vary_on_htmx(render(request, "tracker/commitment_audit.html#audit-table", context))
    return vary_on_htmx(render(request, "tracker/commitment_audit.html", context))
