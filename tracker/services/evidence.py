"""Evidence: logged and retracted, never deleted."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Commitment,
    Evidence,
    User,
)
from .commitments import commitment_refresh_dispute

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
