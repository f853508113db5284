"""The due date a commitment's timeline wording gives, shown beside the field as the editor
types it (`static/js/admin-due-date.js`), before anything is saved. Computed by the same
service as the save (`services.commitment_due_date`), from a milestone or an agreement the
editor may see, or from the signing date typed on the agreement's page."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse

from . import deadlines, selectors, services
from .models import Agreement, Commitment, Milestone
from .timeline_events import milestone_name


def _visible(request: HttpRequest, model, value: str | None):
    """The row of that id among those of agreements the user may see, else None."""
    if not (value or "").isdigit():
        return None
    visible = selectors.agreements_visible_to(request.user).values("pk")
    path = "pk__in" if model is not Milestone else "agreement__in"
    return model.objects.filter(**{path: visible}, pk=int(value)).first()


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def due_date_preview(request: HttpRequest) -> JsonResponse:
    """`?wording=…&milestone=<id>` and the signing date (`signed_on=YYYY-MM-DD`, as typed on
    the agreement's page) or `agreement=<id>` → `{"due_on": "YYYY-MM-DD" or null, "message"}`,
    the message saying the date, or why there is none (the engine's words for a wording it
    cannot read)."""
    if not request.user.has_perm("tracker.change_commitment"):
        raise PermissionDenied
    milestone = _visible(request, Milestone, request.GET.get("milestone"))
    signed_on = _date(request.GET.get("signed_on"))
    agreement = _visible(request, Agreement, request.GET.get("agreement"))
    if signed_on is None and agreement is not None:
        signed_on = agreement.signed_on
    wording = request.GET.get("wording", "")[:200]
    commitment = Commitment(
        timeline_wording=wording, deadline_milestone=milestone, agreement=agreement
    )
    try:
        due_on = services.commitment_due_date(commitment=commitment, signed_on=signed_on)
    except ValidationError as error:
        message = error.message_dict["timeline_wording"][0]
        return JsonResponse({"due_on": None, "message": message})
    if due_on is not None:
        return JsonResponse({"due_on": due_on.isoformat(), "message": f"Due {due_on:%-d %B %Y}."})
    return JsonResponse({"due_on": None, "message": _why_no_date(commitment, wording)})


def _why_no_date(commitment: Commitment, wording: str) -> str:
    timeline = deadlines.parse_timeline(wording)
    if timeline.kind == deadlines.TimelineKind.NONE:
        return "No deadline."
    if commitment.is_pending:
        return f"Pending: {commitment.deadline_reading}."
    no_grace = commitment.agreement_id is None or commitment.agreement.prompt_grace_days is None
    if timeline.kind == deadlines.TimelineKind.PROMPT and no_grace:
        return "No fixed date, expected promptly."
    if timeline.event is not None and commitment.deadline_milestone is None:
        name = milestone_name(wording, timeline.event)
        return f"Pending: saving makes the milestone “{name}”, undated until it happens."
    return "Counted from the signing: give the agreement's date first."
