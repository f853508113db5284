"""Writes to a commitment's completion criteria (issue 21), and the two rules they carry:
whether a commitment is verifiable (`commitments_refresh_verifiable`, the one writer of
`Commitment.is_verifiable`) and whether "implemented" may stand while a criterion is unmet
(`criteria_check_implemented`, called by every status writer).

Each service locks the commitment's row first (the writers' lock order: the commitment, its
flags, then its agreement's figures, which the triggers lock), so that two writers of one
commitment's criteria take turns and the second counts what the first wrote."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines
from ..models import Commitment, Criterion, Evidence, Milestone, StatusChange, User
from ..models.commitments import RELATIVE_KINDS, CommitmentStatus
from .history import history_by, text_check


def _lock(commitment: Commitment) -> None:
    list(Commitment.objects.select_for_update(no_key=True).filter(pk=commitment.pk).values("pk"))


def verifiable_condition() -> Q:
    """A commitment is verifiable when it has a deadline, or a criterion to check.

    A deadline: a due date; or pending on an event that has not happened (it will have one:
    `Commitment.is_pending`); or recurring (each period has an end, even "regular
    consultations" promise a rhythm). No timeline, "ongoing", or "promptly" with no grace
    period and so no date: no deadline. Written as subqueries, not joins, so that one
    UPDATE can apply it."""
    undated_milestone = Milestone.objects.filter(pk=OuterRef("deadline_milestone_id"), date=None)
    return (
        Q(due_on__isnull=False)
        | Q(timeline_kind=deadlines.TimelineKind.RECURRING.value)
        | Q(timeline_kind__in=RELATIVE_KINDS, due_on__isnull=True) & Exists(undated_milestone)
        | Exists(Criterion.objects.filter(commitment=OuterRef("pk")))
    )


def commitments_refresh_verifiable(*, ids: Iterable[int]) -> int:
    """Bring `is_verifiable` of these commitments in step with their deadline and criteria;
    returns how many changed. Every writer of a due date, a timeline or a criterion calls it
    in its transaction, after its write and under the commitments' row locks; the figures'
    triggers move the scores when it changes."""
    ids = list(ids)
    if not ids:
        return 0
    condition = verifiable_condition()
    becomes = Commitment.objects.filter(pk__in=ids, is_verifiable=False).filter(condition)
    stops = Commitment.objects.filter(pk__in=ids, is_verifiable=True).exclude(condition)
    return becomes.update(is_verifiable=True) + stops.update(is_verifiable=False)


def criteria_unmet(commitment: Commitment) -> list[Criterion]:
    return list(commitment.criteria.filter(met_on__isnull=True))


def criteria_check_implemented(
    commitment: Commitment, unmet_criteria_reason: str, *, status: str
) -> str:
    """Refuse a move to "implemented" while a criterion is unmet, unless a reason says why it
    stands; returns the reason to record (empty for any other status, or when every
    criterion is met). The status writers call it under the commitment's lock, before they
    write."""
    if status != CommitmentStatus.IMPLEMENTED:
        return ""
    reason = (unmet_criteria_reason or "").strip()
    unmet = criteria_unmet(commitment)
    if not unmet:
        return ""
    if not reason:
        names = "; ".join(f"“{criterion.text}”" for criterion in unmet)
        raise ValidationError(
            {
                "unmet_criteria_reason": _(
                    "Not every completion criterion is met (%(names)s): say why it counts as "
                    "implemented all the same, or mark them met first."
                )
                % {"names": names}
            }
        )
    text_check(StatusChange, "unmet_criteria_reason", reason)
    return reason


def criterion_check_met(
    criterion: Criterion, met_on: date | None, evidence: Evidence | None
) -> None:
    """A criterion is met on a day not to come, shown (if at all) by its commitment's
    evidence that is not retracted (the services and the admin's form run it)."""
    if met_on is None:
        raise ValidationError({"met_on": _("Give the day it was met.")})
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("It cannot be met on a day still to come.")})
    if evidence is not None and (
        evidence.commitment_id != criterion.commitment_id or evidence.is_retracted
    ):
        raise ValidationError(
            {"evidence": _("Cite evidence logged against this commitment and not retracted.")}
        )


def _save(criterion: Criterion, *, by: User | None, reason: str) -> Criterion:
    """Save with its history row; `reason` is stored as written (in English, as the other
    services' reasons are: the audit trail is data, not a page's wording)."""
    criterion.recorded_by = by
    criterion.recorded_at = timezone.now()
    criterion._change_reason = reason
    criterion.full_clean()
    history_by(criterion, by)
    criterion.save()
    return criterion


@transaction.atomic
def criterion_add(
    *, commitment: Commitment, text: str, by: User | None, position: int | None = None
) -> Criterion:
    """A new criterion, last unless a position is given; the commitment may become
    verifiable."""
    _lock(commitment)
    if position is None:
        last = commitment.criteria.order_by("-position").values_list("position", flat=True)
        position = 0 if (highest := last.first()) is None else highest + 1
    criterion = Criterion(commitment=commitment, text=(text or "").strip(), position=position)
    _save(criterion, by=by, reason="Criterion added")
    commitments_refresh_verifiable(ids=[commitment.pk])
    return criterion


@transaction.atomic
def criterion_edit(
    *, criterion: Criterion, text: str, by: User | None, position: int | None = None
) -> Criterion:
    """Reword a criterion, and move it to `position` when given."""
    _lock(criterion.commitment)
    criterion.text = (text or "").strip()
    if position is not None:
        criterion.position = position
    return _save(criterion, by=by, reason="Criterion reworded")


@transaction.atomic
def criterion_set_met(
    *,
    criterion: Criterion,
    met_on: date | None,
    evidence: Evidence | None,
    by: User | None,
) -> Criterion:
    """Mark a criterion met on a day, citing the evidence that shows it."""
    _lock(criterion.commitment)
    criterion_check_met(criterion, met_on, evidence)
    criterion.met_on, criterion.evidence = met_on, evidence
    return _save(criterion, by=by, reason="Criterion met")


@transaction.atomic
def criterion_set_unmet(
    *, criterion: Criterion, by: User | None, reason: str = "Criterion no longer met"
) -> Criterion:
    """Mark a criterion not met (its day and evidence cleared); `reason` is its history's,
    "Criterion no longer met" unless the caller says why (a retraction names its evidence).
    Unmeeting never makes a commitment unverifiable (the criterion stays), so nothing else is
    recomputed."""
    _lock(criterion.commitment)
    criterion.met_on, criterion.evidence = None, None
    return _save(criterion, by=by, reason=reason)


def criteria_unmeet_retracted(*, evidence: Evidence, by: User | None) -> list[Criterion]:
    """Every criterion that cites `evidence`, just retracted, marked not met, each with its
    history's reason naming the retraction. In the caller's transaction (`evidence_retract`),
    under the commitment's row lock, taken first."""
    _lock(evidence.commitment)
    citing = list(Criterion.objects.filter(evidence=evidence).order_by("position", "pk"))
    reason = f"Criterion no longer met: evidence {evidence.pk} retracted"
    return [criterion_set_unmet(criterion=criterion, by=by, reason=reason) for criterion in citing]


@transaction.atomic
def criteria_reorder(
    *, commitment: Commitment, order: Sequence[int], by: User | None
) -> list[Criterion]:
    """Put the commitment's criteria in the order of these ids (all of them, once each)."""
    _lock(commitment)
    criteria = {criterion.pk: criterion for criterion in commitment.criteria.all()}
    if sorted(order) != sorted(criteria):
        raise ValidationError({"order": _("List each of this commitment's criteria once.")})
    moved = []
    for position, pk in enumerate(order):
        criterion = criteria[pk]
        if criterion.position != position:
            criterion.position = position
            moved.append(_save(criterion, by=by, reason="Criteria reordered"))
    return [criteria[pk] for pk in order]


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by: User | None) -> None:
    """Delete a criterion (its history stays); the commitment may stop being verifiable."""
    commitment = criterion.commitment
    _lock(commitment)
    criterion._change_reason = "Criterion deleted"
    history_by(criterion, by)
    criterion.delete()
    commitments_refresh_verifiable(ids=[commitment.pk])


def criteria_replace(
    *, commitment: Commitment, rows: Sequence[dict], by: User | None, at: datetime | None = None
) -> list[Criterion]:
    """The importer's write: the criteria of a commitment as a document lists them
    ({text, met_on, evidence}), added after any it has. Runs in the caller's transaction."""
    made = []
    for row in rows:
        criterion = criterion_add(commitment=commitment, text=row["text"], by=by)
        if row.get("met_on") is not None:
            criterion_set_met(
                criterion=criterion, met_on=row["met_on"], evidence=row.get("evidence"), by=by
            )
        made.append(criterion)
    return made
