"""Every write: keyword-only functions named <entity>_<action>, each one transaction.

Views, the admin, the importer and the demo loader call these; none of them writes rows
that carry a business rule on its own.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import deadlines
from .models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    DigestScope,
    Evidence,
    JobName,
    JobRun,
    Milestone,
    MilestoneKind,
    OverdueFlag,
    Party,
    StatusChange,
    User,
)
from .models.commitments import CLOSED_STATUSES

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
    Commitment.objects.bulk_update(moved, ["due_on"])
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


def evidence_log(
    *, commitment: Commitment, by: User | None, at: datetime | None = None, **fields
) -> Evidence:
    """Record a new piece of evidence against a commitment."""
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise TypeError(f"evidence_log() got unexpected fields {sorted(unknown)}")
    evidence = Evidence(
        commitment=commitment, logged_by=by, logged_at=at or timezone.now(), **fields
    )
    upload = fields.get("attachment")
    if upload and not evidence.attachment_name:
        evidence.attachment_name = getattr(upload, "name", "")[:200]
    evidence.full_clean()
    evidence.save()
    return evidence


def evidence_retract(*, evidence: Evidence, reason: str, by: User | None) -> Evidence:
    """Withdraw evidence: it stays in the record, marked retracted with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"retraction_reason": "Say why this evidence is retracted."})
    if evidence.is_retracted:
        raise ValidationError("This evidence was already retracted.")
    updated = Evidence.objects.filter(pk=evidence.pk, retracted_at__isnull=True).update(
        retracted_at=timezone.now(), retracted_by=by, retraction_reason=reason
    )
    if updated != 1:
        raise ValidationError("This evidence was already retracted.")
    evidence.refresh_from_db()
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
