"""Every write: keyword-only functions named <entity>_<action>, each one transaction.

Views, the admin, the importer and the demo loader call these; none of them writes rows
that carry a business rule on its own.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from rest_framework.authtoken.models import Token
from simple_history.utils import bulk_update_with_history

from . import deadlines
from .models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    DeadlineExtension,
    DigestScope,
    Evidence,
    JobName,
    JobRun,
    Milestone,
    MilestoneKind,
    OverdueFlag,
    Party,
    Source,
    Stance,
    StatusChange,
    Team,
    User,
)
from .models.commitments import CLOSED_STATUSES
from .models.users import new_calendar_token

SIGNING_NAME = "Signing"
# What the person logging evidence types in; the rest is set by `evidence_log`.
EVIDENCE_FIELDS = (
    "summary",
    "occurred_on",
    "source_url",
    "source_publisher",
    "source_title",
    "source_date",
    "quote",
    "attachment",
    "stance",
    "claimed_by",
    "reliability",
    "credibility",
)


class StatusConflict(Exception):
    """Someone else changed the commitment since the form was loaded."""

    def __init__(self, commitment: Commitment):
        self.commitment = commitment
        super().__init__(
            f"{commitment.reference} was changed by someone else while you were editing it; "
            "nothing was saved. Reload to see its current status, then try again."
        )


def agreement_sync_signing(*, agreement: Agreement) -> Milestone:
    """Make the signing milestone match the agreement's date; move the deadlines with it."""
    milestone, created = Milestone.objects.get_or_create(
        agreement=agreement,
        kind=MilestoneKind.SIGNING,
        defaults={"name": SIGNING_NAME, "date": agreement.signed_on},
    )
    if not created and milestone.date != agreement.signed_on:
        milestone.date = agreement.signed_on
        milestone.save(update_fields=["date"])
        agreement_recompute_due_dates(agreement=agreement)
    return milestone


def agreement_recompute_due_dates(*, agreement: Agreement) -> int:
    """Recompute every due date of one agreement from its wording; returns how many moved.

    Called in the same transaction as any change of a milestone's date, so that every due
    date counted from it follows.
    """
    commitments = list(
        Commitment.objects.filter(agreement=agreement).select_related("deadline_milestone")
    )
    moved = []
    for commitment in commitments:
        due_on = commitment_due_date(commitment=commitment, signed_on=agreement.signed_on)
        if due_on != commitment.due_on:
            commitment.due_on = due_on
            moved.append(commitment)
    bulk_update_with_history(
        moved, Commitment, ["due_on"], default_change_reason="Deadline recomputed"
    )
    return len(moved)


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
def milestone_set_date(*, milestone: Milestone, date: date) -> int:
    """Move a milestone; every due date counted from it moves in the same transaction."""
    if milestone.is_signing:
        agreement = milestone.agreement
        agreement.signed_on = date
        agreement.save(update_fields=["signed_on", "updated_at"])
        agreement_sync_signing(agreement=agreement)
        return Commitment.objects.filter(agreement=agreement).count()
    milestone.date = date
    milestone.save(update_fields=["date"])
    return agreement_recompute_due_dates(agreement=milestone.agreement)


class DraftRowInvalid(Exception):
    """One commitment of a reviewed draft was refused; `index` says which (from 0)."""

    def __init__(self, index: int, error: ValidationError):
        self.index = index
        self.error = error
        super().__init__(f"Commitment {index + 1}: {error}")


def party_get_or_create(*, party: Party) -> Party:
    """The saved party with this code, else with this name (any case), else `party` saved."""
    found = (
        Party.objects.filter(code=party.code).first()
        or Party.objects.filter(name__iexact=party.name).first()
    )
    if found is not None:
        return found
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def agreement_accept_draft(
    *,
    agreement: Agreement,
    commitments: Sequence[tuple[Commitment, Sequence[str]]],
    parties: Sequence[Party] = (),
    source: Source | None = None,
) -> Agreement:
    """Save a reviewed draft in one transaction: if anything is refused, nothing is saved.

    A new (unsaved) `agreement` is created with `parties` (matched to saved ones by code or
    name, created otherwise) and its signing milestone; an existing one keeps its parties.
    Each commitment comes with the codes of its responsible parties (none: all of the
    agreement's) and is saved through `commitment_save`, which computes its due date.
    Raises `ValidationError` about the agreement, `DraftRowInvalid` about a commitment.
    """
    if agreement.pk is None:
        if len({party.code for party in parties}) < 2:
            raise ValidationError({"parties": "An agreement binds two or more parties."})
        agreement.full_clean(exclude=["parties", "teams"])
        agreement.save()
        by_code = {party.code: party_get_or_create(party=party) for party in parties}
        agreement.parties.set(set(by_code.values()))
    else:
        by_code = {party.code: party for party in agreement.parties.all()}
    agreement_sync_signing(agreement=agreement)
    everyone = list(dict.fromkeys(by_code.values()))
    for index, (commitment, codes) in enumerate(commitments):
        commitment.agreement = agreement
        # An unknown code stays an unsaved Party so that the service names it in its error.
        responsible = [by_code.get(code) or Party(code=code) for code in codes] or everyone
        try:
            commitment_save(commitment=commitment, responsible=responsible)
        except ValidationError as error:
            raise DraftRowInvalid(index, error) from None
    if source is not None:
        source.agreement = agreement
        source.full_clean()
        source.save()
    return agreement


def evidence_log(
    *, commitment: Commitment, by: User | None, at: datetime | None = None, **fields
) -> Evidence:
    """Record a new piece of evidence against a commitment (and whether it is now disputed)."""
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise TypeError(f"evidence_log() got unexpected fields {sorted(unknown)}")
    evidence = Evidence(
        commitment=commitment, logged_by=by, logged_at=at or timezone.now(), **fields
    )
    upload = fields.get("attachment")
    if upload and not evidence.attachment_name:
        evidence.attachment_name = getattr(upload, "name", "")[:200]
    claimant = fields.get("claimed_by")
    if claimant is not None and not commitment.agreement.parties.filter(pk=claimant.pk).exists():
        raise ValidationError({"claimed_by": f"{claimant.code} is not a party to this agreement."})
    evidence.full_clean()
    with transaction.atomic():
        evidence.save()
        if claimant is not None:
            commitment_refresh_dispute(commitment=commitment)
    return evidence


def evidence_retract(
    *, evidence: Evidence, reason: str, by: User | None, at: datetime | None = None
) -> Evidence:
    """Withdraw evidence: it stays in the record, marked retracted with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"retraction_reason": "Say why this evidence is retracted."})
    if evidence.is_retracted:
        raise ValidationError("This evidence was already retracted.")
    updated = Evidence.objects.filter(pk=evidence.pk, retracted_at__isnull=True).update(
        retracted_at=at or timezone.now(), retracted_by=by, retraction_reason=reason
    )
    if updated != 1:
        raise ValidationError("This evidence was already retracted.")
    evidence.refresh_from_db()
    # The conditional update bypasses save(); the audit trail gets its record here.
    Evidence.history.bulk_history_create(
        [evidence], update=True, default_user=by, default_change_reason=f"Retracted: {reason}"
    )
    if evidence.claimed_by_id is not None:
        commitment_refresh_dispute(commitment=evidence.commitment)
    return evidence


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
    updated = Commitment.objects.filter(pk=commitment.pk, version=version).update(
        status=status, version=F("version") + 1, updated_at=now
    )
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
    if status in CLOSED_STATUSES:
        OverdueFlag.objects.filter(commitment=commitment, cleared_at__isnull=True).update(
            cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
        )
    commitment.status = status
    commitment.version = version + 1
    commitment.updated_at = now
    # The conditional update bypasses save(); the audit trail gets its record here.
    Commitment.history.bulk_history_create(
        [commitment], update=True, default_user=by, default_change_reason=reason
    )
    return change


_FLAG_NEW_OVERDUE = """
INSERT INTO {flag} (commitment_id, due_on, flagged_at, cleared_at, clear_reason)
SELECT c.id, c.due_on, %s, NULL, ''
FROM {commitment} c
WHERE c.due_on < %s
  AND c.status NOT IN ({closed})
  AND NOT EXISTS (
      SELECT 1 FROM {flag} f WHERE f.commitment_id = c.id AND f.cleared_at IS NULL
  )
ORDER BY c.id
ON CONFLICT DO NOTHING
"""
# Any constant: the key of the PostgreSQL advisory lock that lets one scan run at a time.
_SCAN_LOCK_KEY = 0x7472_6163_6B01


def overdue_scan(*, today: date, now: datetime | None = None) -> JobRun:
    """Flag every commitment that is late on `today`; clear the flags of those no longer late.

    Three set-based statements, whatever the number of commitments. Running it again changes
    nothing; two scans at once flag each commitment once (on PostgreSQL they take turns on an
    advisory lock, and the open-flag unique constraint holds whatever happens); a missed run
    is caught up because every statement looks at the state, not at a window.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A second scan waits for the first to commit and then finds nothing left to do,
            # instead of racing it row by row (the unique open flag would still hold).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCAN_LOCK_KEY])
        open_flags = OverdueFlag.objects.filter(cleared_at__isnull=True)
        cleared = open_flags.filter(commitment__status__in=CLOSED_STATUSES).update(
            cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
        )
        cleared += open_flags.filter(
            Q(commitment__due_on__isnull=True) | Q(commitment__due_on__gte=today)
        ).update(cleared_at=now, clear_reason=OverdueFlag.ClearReason.DEADLINE_MOVED)
        with connection.cursor() as cursor:
            cursor.execute(
                _FLAG_NEW_OVERDUE.format(
                    flag=OverdueFlag._meta.db_table,
                    commitment=Commitment._meta.db_table,
                    closed=", ".join(["%s"] * len(CLOSED_STATUSES)),
                ),
                [now, today, *(str(status) for status in CLOSED_STATUSES)],
            )
            flagged = max(cursor.rowcount, 0)
        return JobRun.objects.create(
            job=JobName.FLAG_OVERDUE,
            started_at=now,
            finished_at=timezone.now(),
            as_of=today,
            flagged=flagged,
            cleared=cleared,
        )


# ---------------------------------------------------------------------------------------------
# Disputes, extensions, dependencies

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


# ---------------------------------------------------------------------------------------------
# Getting data in (issue 6): the importer and the API write through these.

MIN_PARTIES = 2


@transaction.atomic
def agreement_save(
    *, agreement: Agreement, parties: Iterable[Party], teams: Iterable[Team] | None = None
) -> Agreement:
    """Validate and save an agreement with its parties (two or more) and, if given, the
    teams it is restricted to. The signing milestone follows its date, and the due dates
    counted from the signing with it. A party still responsible for one of its commitments
    cannot leave it."""
    parties = list(parties)
    if len({party.pk for party in parties}) < MIN_PARTIES:
        raise ValidationError({"parties": "An agreement has at least two parties."})
    agreement.full_clean(exclude=["parties", "teams"])
    agreement.save()
    leaving = (
        Commitment.responsible_parties.through.objects.filter(commitment__agreement=agreement)
        .exclude(party__in=parties)
        .select_related("party", "commitment")
        .order_by("party__code", "commitment__sort_key")
    )
    if leaving:
        still = sorted({f"{row.party.code} (for {row.commitment.reference})" for row in leaving})
        raise ValidationError(
            {
                "parties": f"{', '.join(still)} cannot leave the agreement while responsible "
                "for its commitments."
            }
        )
    agreement.parties.set(parties)
    if teams is not None:
        agreement.teams.set(teams)
    agreement_sync_signing(agreement=agreement)
    return agreement


@transaction.atomic
def milestone_save(*, milestone: Milestone) -> Milestone:
    """Validate and save a milestone other than the signing (which follows the agreement's
    date); moving its date moves every due date counted from it."""
    if milestone.is_signing:
        raise ValidationError(
            {"kind": "The signing milestone follows the agreement's date; change that instead."}
        )
    previous = (
        Milestone.objects.filter(pk=milestone.pk).values_list("date", flat=True).first()
        if milestone.pk
        else None
    )
    milestone.full_clean()
    milestone.save()
    if previous is not None and previous != milestone.date:
        agreement_recompute_due_dates(agreement=milestone.agreement)
    return milestone


def evidence_check_dates(*, occurred_on: date | None, source_date: date | None) -> None:
    """What happened, and its source, cannot be dated in the future (site time zone)."""
    today = timezone.localdate()
    errors = {
        name: "This date is in the future."
        for name, value in (("occurred_on", occurred_on), ("source_date", source_date))
        if value is not None and value > today
    }
    if errors:
        raise ValidationError(errors)


def user_reset_calendar_token(*, user: User) -> str:
    """Give the user a new calendar-feed secret; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def user_reset_api_token(*, user: User) -> str:
    """Create the user's API token, or replace it: the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


# ---------------------------------------------------------------------------------------------
# Digest preferences


def agreement_set_followed(*, agreement: Agreement, by: User, follow: bool) -> None:
    """Follow or stop following an agreement the user may see; doing it twice is harmless."""
    if follow:
        by.followed_agreements.add(agreement)
    else:
        by.followed_agreements.remove(agreement)


@transaction.atomic
def user_set_digest_preferences(
    *, user: User, enabled: bool, scope: str, followed: Iterable[Agreement] | None = None
) -> User:
    """Turn the weekly digest on or off and choose what it covers.

    `followed` replaces the followed agreements among those given; the caller passes only
    agreements the user may see (the form offers no others).
    """
    user.digest_enabled = enabled
    user.digest_scope = DigestScope(scope)
    user.save(update_fields=["digest_enabled", "digest_scope"])
    if followed is not None:
        user.followed_agreements.set(followed)
    return user


def user_unsubscribe_digest(*, user: User) -> bool:
    """Turn the digest off (the one-click link); True if it was on."""
    return User.objects.filter(pk=user.pk, digest_enabled=True).update(digest_enabled=False) == 1
