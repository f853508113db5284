"""Writes to commitments: saving one (its due date computed), its status (with a reason, never
over someone else's change), disputes, deadline extensions and dependencies."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import deadlines
from ..models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    DeadlineExtension,
    Evidence,
    Milestone,
    OverdueFlag,
    Party,
    Stance,
    StatusChange,
    User,
)
from ..models.commitments import CLOSED_STATUSES
from ..pagecache import data_changed_on_commit


class StatusConflict(Exception):
    """Someone else changed the commitment since the form was loaded."""

    def __init__(self, commitment: Commitment):
        self.commitment = commitment
        super().__init__(
            f"{commitment.reference} was changed by someone else while you were editing it; "
            "nothing was saved. Reload to see its current status, then try again."
        )


def commitment_due_date(*, commitment: Commitment, signed_on: date) -> date | None:
    """The due date from the wording, counted from its milestone (the signing by default).

    Raises `ValidationError` on the timeline field when the wording cannot be read.
    """
    try:
        timeline = deadlines.parse_timeline(commitment.timeline_wording)
    except deadlines.TimelineError as error:
        raise ValidationError({"timeline_wording": str(error)}) from None
    milestone = commitment.deadline_milestone
    anchor = milestone.date if milestone is not None else signed_on
    return timeline.due_from(anchor)


def commitment_check_parties(
    *, agreement_parties: Iterable[Party], responsible: Iterable[Party]
) -> None:
    """A responsible party must be a party of the agreement."""
    outsiders = sorted(
        {party.code for party in responsible} - {party.code for party in agreement_parties}
    )
    if outsiders:
        raise ValidationError(
            {
                "responsible_parties": f"{', '.join(outsiders)} "
                f"{'is' if len(outsiders) == 1 else 'are'} not a party to this agreement; "
                "add it to the agreement's parties first."
            }
        )


def commitment_check_milestone(*, agreement: Agreement, milestone: Milestone | None) -> None:
    if milestone is not None and milestone.agreement_id != agreement.pk:
        raise ValidationError(
            {"deadline_milestone": "This milestone belongs to another agreement."}
        )


@transaction.atomic
def commitment_save(
    *, commitment: Commitment, responsible: Iterable[Party] | None = None
) -> Commitment:
    """Validate, compute the due date and save one commitment (new or changed)."""
    agreement = commitment.agreement
    commitment_check_milestone(agreement=agreement, milestone=commitment.deadline_milestone)
    if responsible is not None:
        responsible = list(responsible)
        commitment_check_parties(agreement_parties=agreement.parties.all(), responsible=responsible)
    commitment.due_on = commitment_due_date(commitment=commitment, signed_on=agreement.signed_on)
    commitment.full_clean(exclude=["responsible_parties"])
    commitment.save()
    if responsible is not None:
        commitment.responsible_parties.set(responsible)
    return commitment


@transaction.atomic
def commitment_set_status(
    *,
    commitment: Commitment,
    status: str,
    reason: str,
    by: User | None,
    evidence: Evidence | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> StatusChange:
    """Move a commitment to a new status, with a reason and optionally the evidence cited.

    `expected_version` is the version the user saw; if someone changed the commitment since,
    `StatusConflict` is raised and nothing is written. Closing a commitment clears its
    overdue flag at once rather than at the next scan.
    """
    status = CommitmentStatus(status)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for the change."})
    if status == commitment.status:
        raise ValidationError({"status": f"It is already “{status.label}”."})
    if evidence is not None and (evidence.commitment_id != commitment.pk or evidence.is_retracted):
        raise ValidationError(
            {"evidence": "Cite evidence logged against this commitment and not retracted."}
        )
    version = commitment.version if expected_version is None else expected_version
    now = at or timezone.now()
    # The lock order every writer keeps (the commitment, its flags, then its agreement's
    # figures, which the triggers lock): two changes of one commitment queue on its row,
    # and neither the scan nor a deletion can meet this one in the opposite order.
    seen = Commitment.objects.filter(pk=commitment.pk, version=version)
    if not seen.select_for_update(no_key=True).exists():
        raise StatusConflict(commitment)
    if status in CLOSED_STATUSES:
        OverdueFlag.objects.filter(commitment=commitment, cleared_at__isnull=True).update(
            cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
        )
    updated = seen.update(status=status, version=F("version") + 1, updated_at=now)
    if updated != 1:
        raise StatusConflict(commitment)
    change = StatusChange.objects.create(
        commitment=commitment,
        from_status=commitment.status,
        to_status=status,
        reason=reason,
        evidence=evidence,
        changed_by=by,
        changed_at=now,
    )
    commitment.status = status
    commitment.version = version + 1
    commitment.updated_at = now
    # The conditional update bypasses save(); the audit trail gets its record here.
    Commitment.history.bulk_history_create(
        [commitment], update=True, default_user=by, default_change_reason=reason
    )
    return change


@transaction.atomic
def commitment_delete(*, commitment: Commitment) -> None:
    """Delete a commitment with its overdue flags, in the writers' lock order: its row first
    (which also keeps a running scan from flagging it meanwhile), then the flags, then its
    agreement's figures. Raises `ProtectedError` once it has history or evidence."""
    Commitment.objects.select_for_update().get(pk=commitment.pk).delete()


CLAIM_STANCES = (Stance.PROGRESS, Stance.SETBACK)


def commitment_claims(*, commitment: Commitment) -> dict[int, Evidence]:
    """Each party's current claim: its latest evidence still standing that shows progress or
    a setback."""
    claims: dict[int, Evidence] = {}
    for evidence in (
        commitment.evidence.filter(
            claimed_by__isnull=False, retracted_at__isnull=True, stance__in=CLAIM_STANCES
        )
        .select_related("claimed_by")
        .order_by("logged_at", "id")
    ):
        claims[evidence.claimed_by_id] = evidence
    return claims


def commitment_refresh_dispute(*, commitment: Commitment) -> bool:
    """Disputed when the parties' current claims disagree: one shows progress, another a
    setback. Written only when it changes."""
    stances = {claim.stance for claim in commitment_claims(commitment=commitment).values()}
    disputed = len(stances) > 1
    if (
        Commitment.objects.filter(pk=commitment.pk)
        .exclude(is_disputed=disputed)
        .update(is_disputed=disputed)
    ):
        data_changed_on_commit()
    commitment.is_disputed = disputed
    return disputed


@transaction.atomic
def commitment_extend_deadline(
    *,
    commitment: Commitment,
    wording: str,
    reason: str,
    by: User | None,
    milestone: Milestone | None = None,
    source_title: str = "",
    source_url: str = "",
    at: datetime | None = None,
) -> DeadlineExtension:
    """The parties agreed a later deadline. The first due date is kept as `original_due_on`;
    the new wording replaces the commitment's timeline and its due date follows."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the deadline moved."})
    commitment_check_milestone(agreement=commitment.agreement, milestone=milestone)
    previous_wording, previous_due_on = commitment.timeline_wording, commitment.due_on
    previous_milestone = commitment.deadline_milestone
    extended = Commitment(
        agreement=commitment.agreement, timeline_wording=wording, deadline_milestone=milestone
    )
    new_due_on = commitment_due_date(commitment=extended, signed_on=commitment.agreement.signed_on)
    if new_due_on is None:
        raise ValidationError(
            {"timeline_wording": "An extension needs a deadline; to drop it, edit the timeline."}
        )
    if previous_due_on is not None and new_due_on <= previous_due_on:
        raise ValidationError(
            {
                "timeline_wording": f"The new deadline ({new_due_on:%d %B %Y}) is not later than "
                f"the current one ({previous_due_on:%d %B %Y})."
            }
        )
    extension = DeadlineExtension(
        commitment=commitment,
        previous_wording=previous_wording,
        previous_milestone=previous_milestone,
        previous_due_on=previous_due_on,
        new_wording=wording,
        new_milestone=milestone,
        new_due_on=new_due_on,
        reason=reason,
        source_title=source_title,
        source_url=source_url,
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    extension.full_clean()
    extension.save()
    if commitment.original_due_on is None:
        commitment.original_due_on = previous_due_on
    commitment.timeline_wording = wording
    commitment.deadline_milestone = milestone
    commitment.due_on = new_due_on
    commitment._change_reason = f"Deadline extended: {reason}"
    commitment.save()
    return extension


@transaction.atomic
def commitment_set_dependencies(
    *, commitment: Commitment, prerequisites: Iterable[Commitment]
) -> None:
    """What must happen first. Only commitments of the same agreement; never a cycle."""
    prerequisites = list(prerequisites)
    commitment_check_dependencies(commitment=commitment, prerequisites=prerequisites)
    commitment.depends_on.set(prerequisites)


def commitment_check_dependencies(
    *, commitment: Commitment, prerequisites: list[Commitment]
) -> None:
    """Raise `ValidationError` on `depends_on` for another agreement's commitment, itself,
    or a circle of prerequisites (naming it)."""
    outsiders = [p.reference for p in prerequisites if p.agreement_id != commitment.agreement_id]
    if outsiders:
        raise ValidationError(
            {"depends_on": f"{', '.join(outsiders)}: only commitments of the same agreement."}
        )
    if any(p.pk == commitment.pk for p in prerequisites):
        raise ValidationError({"depends_on": "A commitment cannot depend on itself."})
    edges = Commitment.depends_on.through.objects.filter(
        from_commitment__agreement_id=commitment.agreement_id
    ).exclude(from_commitment_id=commitment.pk)
    graph: dict[int, set[int]] = {}
    for source, target in edges.values_list("from_commitment_id", "to_commitment_id"):
        graph.setdefault(source, set()).add(target)
    graph[commitment.pk] = {p.pk for p in prerequisites}
    cycle = _find_cycle(graph, commitment.pk)
    if cycle:
        references = dict(Commitment.objects.filter(pk__in=cycle).values_list("pk", "reference"))
        path = " → ".join(references[pk] for pk in cycle)
        raise ValidationError({"depends_on": f"That would make a circle of prerequisites: {path}."})
    commitment.depends_on.set(prerequisites)


def _find_cycle(graph: dict[int, set[int]], start: int) -> list[int] | None:
    """A path from `start` back to itself following the edges, or None."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for successor in graph.get(node, ()):
            if successor == start:
                return [*path, start]
            if successor not in seen:
                seen.add(successor)
                stack.append((successor, [*path, successor]))
    return None
