"""Writes to commitments: saving one (its due date computed), its status (with a reason, never
over someone else's change), disputes, deadline extensions and dependencies."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import deadlines, series
from ..models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    DeadlineExtension,
    Evidence,
    Milestone,
    MilestoneKind,
    Obligation,
    OverdueFlag,
    Party,
    StatusChange,
    User,
)
from ..models.evidence import CLAIM_STANCES
from ..selectors.commitment_page import current_claims
from ..selectors.recurring import recurring_latest_met
from ..timeline_events import matching_milestone, milestone_name
from .criteria import commitments_refresh_verifiable, criteria_check_implemented
from .history import history_by
from .obligations import (
    commitment_derive_status,
    commitment_sync_obligations,
    obligation_write,
    status_change_check,
)


class StatusConflict(Exception):
    """Someone else changed the commitment since the form was loaded."""

    def __init__(self, commitment: Commitment):
        self.commitment = commitment
        super().__init__(
            f"{commitment.reference} was changed by someone else while you were editing it; "
            "nothing was saved. Reload to see its current status, then try again."
        )


_UNREAD = object()


def commitment_due_date(
    *,
    commitment: Commitment,
    signed_on: date | None,
    holidays: frozenset[date] | None = None,
    milestones: list[Milestone] | None = None,
    create_event: bool = False,
    by: User | None = None,
    latest_met: date | object | None = _UNREAD,
) -> date | None:
    """The due date from the wording, counted from its milestone (the signing by default).

    The one owner of what a commitment's wording gives: its due date, its reading
    (`timeline_kind`, set on the commitment) and the event it counts from. When no milestone
    is chosen beside the wording and the wording names an event other than the signing,
    the commitment is linked to the agreement's milestone of that name (`timeline_events.
    matching_milestone`), and with `create_event` (a save, not a preview) to a new undated
    one (kind other, named as written, history by `by`) when the agreement has none. A
    milestone chosen beside the wording wins over the event it names. Counted from a
    milestone without a date, there is no due date yet (the commitment is pending).
    Working days skip the agreement's holidays (`holidays`, read when not given); prompt
    wording is due the agreement's grace period after its event, when it has one.
    `milestones`, when given, are the agreement's (a recount passes them once for all).

    A recurring commitment is due at the end of the period it owes: the first period after
    the latest one met (`selectors.recurring`: evidence that shows progress or a status
    change to an active or done status, dated inside it), or the first period when none is.
    It depends on the data alone, never on today. `latest_met` is that latest day when the
    caller has read it (`selectors.recurring_latest_met`); otherwise it is read here.

    Raises `ValidationError` on the timeline field when the wording cannot be read.
    """
    try:
        timeline = deadlines.parse_timeline(commitment.timeline_wording)
    except deadlines.TimelineError as error:
        raise ValidationError({"timeline_wording": str(error)}) from None
    commitment.timeline_kind = timeline.kind.value
    if not timeline.is_relative:
        return timeline.due_from(signed_on)
    agreement = commitment.agreement if commitment.agreement_id else None
    milestone = commitment.deadline_milestone
    if milestone is None and timeline.event is not None:
        milestone = _event_milestone(
            commitment=commitment,
            event=timeline.event,
            milestones=milestones,
            create=create_event,
            by=by,
        )
        if milestone is None:  # a preview of an event the agreement does not have yet
            return None
        commitment.deadline_milestone = milestone
    anchor = milestone.date if milestone is not None else signed_on
    recurrence = timeline.recurrence
    if timeline.kind == deadlines.TimelineKind.RECURRING and recurrence.has_interval:
        if anchor is None and recurrence.starts_on is None:
            return None  # counted from an event that has not happened: pending
        if latest_met is _UNREAD:
            latest_met = (
                recurring_latest_met([commitment.pk]).get(commitment.pk) if commitment.pk else None
            )
        owed = series.owed_period(recurrence, anchor, latest_met)
        return owed.ends_on if owed is not None else None
    if holidays is None:
        holidays = agreement_holidays(agreement=agreement) if agreement is not None else frozenset()
    grace = agreement.prompt_grace_days if agreement is not None else None
    return timeline.due_from(anchor, holidays, grace_days=grace)


def commitment_lock(commitment: Commitment) -> None:
    """Lock a commitment's row (FOR NO KEY UPDATE: evidence inserted beside it holds FOR KEY
    SHARE on it through its foreign key, which a plain FOR UPDATE would wait on)."""
    # No ordering: the default one joins the agreement, whose row FOR NO KEY UPDATE would
    # lock too, ahead of the flags (the writers' lock order puts the figures last).
    list(
        Commitment.objects.select_for_update(no_key=True)
        .filter(pk=commitment.pk)
        .order_by()
        .values("pk")
    )


# Without a savepoint of its own: every writer calls it inside its transaction, and none
# goes on after it fails (a savepoint is two more round trips for each write).
@transaction.atomic(savepoint=False)
def commitment_recompute_due(*, commitment: Commitment, by: User | None = None) -> date | None:
    """Bring a recurring commitment's due date in step with what meets its periods; every
    writer that can change that (evidence logged, corrected or retracted, a status change)
    calls it after its write, in its transaction.

    The row is locked first, so that two writers take turns: the second reads what meets
    the periods afresh (each statement of a READ COMMITTED transaction has a new snapshot),
    its own write and the first one's. The due date is written only when it moves, with a
    history record; an open overdue flag about another period is cleared with it ("deadline
    moved"), and the scan flags the period now owed once it ends.
    """
    row = (
        Commitment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("agreement", "deadline_milestone")
        .only("timeline_wording", "due_on", "agreement__signed_on", "deadline_milestone__date")
        .get(pk=commitment.pk)
    )
    if series.recurrence_with_periods(row.timeline_wording) is None:
        return row.due_on
    due_on = commitment_due_date(commitment=row, signed_on=row.agreement.signed_on)
    if due_on != row.due_on:
        now = timezone.now()
        # A flag names the period it is about by its due date: once another period is owed,
        # it is cleared at once, as a closing status clears one, and the scan flags the
        # period now owed if that one has ended too. The commitment's row, then its flags,
        # then (the triggers) its agreement's figures: the writers' lock order.
        OverdueFlag.objects.filter(commitment=commitment, cleared_at__isnull=True).exclude(
            due_on=due_on
        ).update(cleared_at=now, clear_reason=OverdueFlag.ClearReason.DEADLINE_MOVED)
        Commitment.objects.filter(pk=commitment.pk).update(due_on=due_on, updated_at=now)
        fresh = Commitment.objects.get(pk=commitment.pk)
        # The update bypasses save(); the audit trail gets its record here.
        Commitment.history.bulk_history_create(
            [fresh],
            update=True,
            default_user=by,
            default_change_reason="Deadline recomputed: the period owed changed",
        )
        commitment.due_on, commitment.updated_at = due_on, now
    return due_on


def agreement_holidays(*, agreement: Agreement) -> frozenset[date]:
    """The public holidays an agreement's working days skip."""
    if agreement.pk is None:
        return frozenset()
    return frozenset(agreement.holidays.values_list("date", flat=True))


def _event_milestone(
    *,
    commitment: Commitment,
    event: str,
    milestones: list[Milestone] | None,
    create: bool,
    by: User | None,
) -> Milestone | None:
    """The agreement's milestone for the event the wording names; made undated when it has
    none and `create` (appended to `milestones`, so that the next commitment finds it)."""
    agreement = commitment.agreement if commitment.agreement_id else None
    if agreement is None or agreement.pk is None:
        return None
    if milestones is None:
        milestones = list(agreement.milestones.all())
    found = matching_milestone(event, milestones)
    if found is not None or not create:
        return found
    milestone = Milestone(
        agreement=agreement,
        kind=MilestoneKind.OTHER,
        name=milestone_name(commitment.timeline_wording, event),
        date=None,
        note="Made for the event a commitment's timeline names; date it when it happens.",
    )
    milestone.full_clean()
    history_by(milestone, by)
    try:
        with transaction.atomic():
            milestone.save()
    except IntegrityError:
        # Another save made the same event's milestone meanwhile (the unique name waited
        # for it to commit): count from that one.
        milestone = Milestone.objects.get(agreement=agreement, name=milestone.name)
    milestones.append(milestone)
    return milestone


def _unlink_previous_event(commitment: Commitment) -> None:
    """A milestone linked for the event of the previous wording is not a choice: when only
    the wording changed, the new wording decides again what it counts from."""
    if commitment.pk is None or commitment.deadline_milestone is None:
        return
    stored = (
        Commitment.objects.filter(pk=commitment.pk)
        .values_list("timeline_wording", "deadline_milestone_id")
        .first()
    )
    if stored is None or stored[0] == commitment.timeline_wording:
        return
    if stored[1] != commitment.deadline_milestone_id:
        return
    try:
        previous_event = deadlines.parse_timeline(stored[0]).event
    except deadlines.TimelineError:
        return
    if previous_event and matching_milestone(previous_event, [commitment.deadline_milestone]):
        commitment.deadline_milestone = None


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
                "responsible_parties": ngettext(
                    "%(parties)s is not a party to this agreement; "
                    "add it to the agreement's parties first.",
                    "%(parties)s are not a party to this agreement; "
                    "add it to the agreement's parties first.",
                    len(outsiders),
                )
                % {"parties": ", ".join(outsiders)}
            }
        )


def commitment_check_milestone(*, agreement: Agreement, milestone: Milestone | None) -> None:
    if milestone is not None and milestone.agreement_id != agreement.pk:
        raise ValidationError(
            {"deadline_milestone": _("This milestone belongs to another agreement.")}
        )


def commitment_check(
    *,
    commitment: Commitment,
    responsible: list[Party] | None = None,
    prerequisites: list[Commitment] | None = None,
) -> None:
    """Every check `commitment_save` makes before it writes, all problems in one
    `ValidationError` by field; forms call it to show them beside their fields.

    `responsible` and `prerequisites` are the new sets (None: unchanged). A commitment moved to
    another agreement keeps only what belongs to its new agreement: its responsible parties
    must be parties there and its milestone one of its milestones (or none). Prerequisites
    never cross agreements, and a move never drops them silently: it is refused while the
    commitment has prerequisites (the caller clears them in the same save) or while a
    commitment of its old agreement waits on it (that one drops it first).
    """
    agreement = commitment.agreement
    errors: dict = {}

    def check(rule, **kwargs) -> None:
        try:
            rule(**kwargs)
        except ValidationError as error:
            error.update_error_dict(errors)

    check(commitment_check_milestone, agreement=agreement, milestone=commitment.deadline_milestone)
    moved_from = _moved_from(commitment)
    if responsible is None and moved_from is not None:
        responsible = list(commitment.responsible_parties.all())
    if responsible is not None:
        check(
            commitment_check_parties,
            agreement_parties=agreement.parties.all(),
            responsible=responsible,
        )
    if moved_from is not None:
        check(_check_claimants_follow, commitment=commitment)
        check(_check_dependents_stay, commitment=commitment, moved_from=moved_from)
        if prerequisites is None:
            prerequisites = list(commitment.depends_on.all())
        check(_check_prerequisites_cleared, prerequisites=prerequisites, moved_from=moved_from)
    if prerequisites and "depends_on" not in errors:
        check(commitment_check_dependencies, commitment=commitment, prerequisites=prerequisites)
    if errors:
        raise ValidationError(errors)


def _moved_from(commitment: Commitment) -> int | None:
    """The agreement a saved commitment is being moved away from, or None."""
    if commitment.pk is None:
        return None
    stored = (
        Commitment.objects.filter(pk=commitment.pk).values_list("agreement_id", flat=True).first()
    )
    return stored if stored is not None and stored != commitment.agreement_id else None


def _check_claimants_follow(*, commitment: Commitment) -> None:
    """The claims made on a commitment stay claims by parties to its agreement."""
    claimants = set(
        Party.objects.filter(claims__commitment=commitment).values_list("code", flat=True)
    )
    outsiders = sorted(claimants - {party.code for party in commitment.agreement.parties.all()})
    if outsiders:
        raise ValidationError(
            {
                "agreement": _(
                    "Its evidence holds claims by %(parties)s, not a party "
                    "to that agreement; add them to its parties first."
                )
                % {"parties": ", ".join(outsiders)}
            }
        )


def _check_prerequisites_cleared(*, prerequisites: list[Commitment], moved_from: int) -> None:
    left = sorted(p.reference for p in prerequisites if p.agreement_id == moved_from)
    if left:
        raise ValidationError(
            {
                "depends_on": ngettext(
                    "%(commitments)s is of the agreement it leaves, and prerequisites never "
                    "cross agreements; clear its prerequisites to move it.",
                    "%(commitments)s are of the agreement it leaves, and prerequisites never "
                    "cross agreements; clear its prerequisites to move it.",
                    len(left),
                )
                % {"commitments": ", ".join(left)}
            }
        )


def _check_dependents_stay(*, commitment: Commitment, moved_from: int) -> None:
    waiting = sorted(
        commitment.dependents.filter(agreement_id=moved_from).values_list("reference", flat=True)
    )
    if waiting:
        raise ValidationError(
            {
                "agreement": ngettext(
                    "%(commitments)s of its agreement waits on it, and prerequisites never "
                    "cross agreements; remove it from their prerequisites before moving it.",
                    "%(commitments)s of its agreement wait on it, and prerequisites never "
                    "cross agreements; remove it from their prerequisites before moving it.",
                    len(waiting),
                )
                % {"commitments": ", ".join(waiting)}
            }
        )


@transaction.atomic
def commitment_save(
    *,
    commitment: Commitment,
    responsible: Iterable[Party] | None = None,
    prerequisites: Iterable[Commitment] | None = None,
    by: User | None = None,
) -> Commitment:
    """Validate, compute the due date and save one commitment (new, changed or moved to
    another agreement) with its responsible parties and prerequisites when given (None:
    unchanged), and its history by `by`, in one transaction."""
    responsible = None if responsible is None else list(responsible)
    prerequisites = None if prerequisites is None else list(prerequisites)
    commitment_check(commitment=commitment, responsible=responsible, prerequisites=prerequisites)
    agreement = commitment.agreement
    if commitment.pk is not None:
        # A recurring due date reads what meets its periods: under the row's lock, as the
        # evidence and status writers recompute it, or one of them could be overwritten.
        commitment_lock(commitment)
    if commitment.deadline_milestone is not None:
        # Counted from the milestone's stored date, not from a copy read before it moved
        # (the admin saves an agreement's milestones, then its commitments, in one request).
        commitment.deadline_milestone.refresh_from_db(fields=["date"])
    _unlink_previous_event(commitment)
    commitment.due_on = commitment_due_date(
        commitment=commitment, signed_on=agreement.signed_on, create_event=True, by=by
    )
    commitment.full_clean(exclude=["responsible_parties", "depends_on"])
    history_by(commitment, by)
    commitment.save()
    if responsible is not None:
        commitment.responsible_parties.set(responsible)
    commitment_sync_obligations(commitment=commitment, by=by)
    if prerequisites is not None:
        commitment.depends_on.set(prerequisites)
    commitments_refresh_verifiable(ids=[commitment.pk])
    commitment.refresh_from_db(fields=["is_verifiable"])
    return commitment


@transaction.atomic
def commitments_delete(*, commitments: Iterable[Commitment], by: User | None) -> None:
    """Delete commitments (the admin's deletions), each as `commitment_delete` does, in id
    order, each with its history record by `by`."""
    for commitment in sorted(commitments, key=lambda commitment: commitment.pk):
        commitment_delete(commitment=commitment, by=by)


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
    unmet_criteria_reason: str = "",
) -> StatusChange:
    """Move a whole commitment to a new status, with a reason and optionally the evidence
    cited: every responsible party's obligation that is not there yet moves to it, with the
    same reason (one party's change is `obligation_set_status`).

    When every party stood at the commitment's status, one `StatusChange` with no party
    records it (it counts for every party); otherwise one per party moved, naming it. A
    commitment without responsible parties moves alone. `expected_version` is the
    commitment's version the user saw: if someone changed it (or one of its parties) since,
    `StatusConflict` is raised and nothing is written. Closing a commitment clears its
    overdue flag at once rather than at the next scan. "Implemented" while a completion
    criterion is unmet needs `unmet_criteria_reason` (`criteria_check_implemented`), recorded
    on the change.
    """
    status = CommitmentStatus(status)
    reason = status_change_check(commitment=commitment, reason=reason, evidence=evidence)
    version = commitment.version if expected_version is None else expected_version
    now = at or timezone.now()
    # The lock order every writer keeps (the commitment, its flags, then its agreement's
    # figures, which the triggers lock): two changes of one commitment queue on its row,
    # and neither the scan nor a deletion can meet this one in the opposite order.
    seen = Commitment.objects.filter(pk=commitment.pk, version=version)
    # No ordering (`first()` would add the default one, which joins the agreement and would
    # lock its row too, ahead of the flags).
    stored = list(seen.select_for_update(no_key=True).order_by().values_list("status", flat=True))
    if not stored:
        raise StatusConflict(commitment)
    stored = stored[0]
    commitment.status = stored
    unmet_criteria_reason = criteria_check_implemented(
        commitment, unmet_criteria_reason, status=status
    )
    obligations = list(Obligation.objects.filter(commitment=commitment).order_by("pk"))
    moving = [obligation for obligation in obligations if obligation.status != status]
    if not moving and (obligations or status == stored):
        raise ValidationError(
            {"status": _("It is already “%(status)s”.") % {"status": status.label}}
        )
    uniform = all(obligation.status == stored for obligation in obligations)
    changes = [
        obligation_write(
            obligation=obligation,
            status=status,
            by=by,
            reason=reason,
            evidence=evidence,
            at=now,
            record=not uniform,
            unmet_criteria_reason=unmet_criteria_reason,
        )
        for obligation in moving
    ]
    if uniform:
        changes = [
            StatusChange.objects.create(
                commitment=commitment,
                from_status=stored,
                to_status=status,
                reason=reason,
                evidence=evidence,
                changed_by=by,
                changed_at=now,
                unmet_criteria_reason=unmet_criteria_reason,
            )
        ]
    # Without responsible parties, the commitment's own status is what derives.
    commitment.status = status
    commitment_derive_status(commitment=commitment, by=by, reason=reason, at=now)
    # A status change may meet a period of a recurring commitment.
    commitment_recompute_due(commitment=commitment, by=by)
    return changes[-1]


@transaction.atomic
def commitment_delete(*, commitment: Commitment, by: User | None = None) -> None:
    """Delete a commitment with its overdue flags, in the writers' lock order: its row first
    (which also keeps a running scan from flagging it meanwhile), then the flags, then its
    agreement's figures (the triggers). Raises `ProtectedError` once it has history or
    evidence."""
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    history_by(locked, by)
    locked.delete()


def commitment_claims(*, commitment: Commitment) -> dict[int, Evidence]:
    """Each party's current claim (`selectors.current_claims`, the one rule for it), read
    from the evidence that can make one."""
    evidence = commitment.evidence.filter(
        claimed_by__isnull=False, retracted_at__isnull=True, stance__in=CLAIM_STANCES
    ).select_related("claimed_by")
    return current_claims(evidence)


# Without a savepoint of its own: every writer calls it inside its transaction, and none
# goes on after it fails (a savepoint is two more round trips for each write).
@transaction.atomic(savepoint=False)
def commitment_refresh_dispute(*, commitment: Commitment) -> bool:
    """Disputed when the parties' current claims disagree: one shows progress, another a
    setback. Written only when it changes.

    Every writer of evidence calls it in its own transaction, after its write. The commitment's
    row is locked first, so that two of them take turns: the second waits for the first to
    commit, then reads the claims afresh (PostgreSQL gives each statement of a READ COMMITTED
    transaction a new snapshot), its own and the first one's. Without the lock each could
    read the claims without the other's and both leave the flag wrong. The lock is FOR NO KEY
    UPDATE: the evidence rows inserted beside it hold FOR KEY SHARE on the same row (their
    foreign key), which a plain FOR UPDATE would wait on: two writers could deadlock.
    """
    Commitment.objects.select_for_update(no_key=True).filter(pk=commitment.pk).values_list(
        "pk", flat=True
    ).get()
    stances = {claim.stance for claim in commitment_claims(commitment=commitment).values()}
    disputed = len(stances) > 1
    Commitment.objects.filter(pk=commitment.pk).exclude(is_disputed=disputed).update(
        is_disputed=disputed
    )
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
        raise ValidationError({"reason": _("Say why the deadline moved.")})
    commitment_check_milestone(agreement=commitment.agreement, milestone=milestone)
    commitment_lock(commitment)
    previous_wording, previous_due_on = commitment.timeline_wording, commitment.due_on
    previous_milestone = commitment.deadline_milestone
    extended = Commitment(
        agreement=commitment.agreement, timeline_wording=wording, deadline_milestone=milestone
    )
    new_due_on = commitment_due_date(
        commitment=extended,
        signed_on=commitment.agreement.signed_on,
        create_event=True,
        by=by,
        latest_met=(
            recurring_latest_met([commitment.pk]).get(commitment.pk)
            if series.recurrence_with_periods(wording)
            else None
        ),
    )
    milestone = extended.deadline_milestone
    if new_due_on is None and extended.is_pending:
        raise ValidationError(
            {
                "timeline_wording": _(
                    "It counts from “%(milestone)s”, which has not happened: "
                    "an extension needs a date; date that milestone first, or count from another."
                )
                % {"milestone": milestone.name}
            }
        )
    if new_due_on is None:
        raise ValidationError(
            {"timeline_wording": _("An extension needs a deadline; to drop it, edit the timeline.")}
        )
    if previous_due_on is not None and new_due_on <= previous_due_on:
        raise ValidationError(
            {
                "timeline_wording": _(
                    "The new deadline (%(new)s) is not later than the current one (%(current)s)."
                )
                % {"new": f"{new_due_on:%d %B %Y}", "current": f"{previous_due_on:%d %B %Y}"}
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
    commitment.timeline_kind = extended.timeline_kind
    commitment.due_on = new_due_on
    commitment._change_reason = f"Deadline extended: {reason}"
    history_by(commitment, by)
    commitment.save()
    commitments_refresh_verifiable(ids=[commitment.pk])
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
            {
                "depends_on": _("%(commitments)s: only commitments of the same agreement.")
                % {"commitments": ", ".join(outsiders)}
            }
        )
    if any(p.pk == commitment.pk for p in prerequisites):
        raise ValidationError({"depends_on": _("A commitment cannot depend on itself.")})
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
        raise ValidationError(
            {
                "depends_on": _("That would make a circle of prerequisites: %(path)s.")
                % {"path": path}
            }
        )


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
