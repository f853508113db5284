"""Evidence: logged, corrected and retracted, never deleted."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Commitment,
    Evidence,
    Party,
    User,
)
from .commitments import commitment_recompute_due, commitment_refresh_dispute
from .criteria import criteria_unmeet_retracted
from .history import history_by, text_check

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
    "concerns_party",
    "reliability",
    "credibility",
)


@transaction.atomic
def evidence_log(
    *, commitment: Commitment, by: User | None, at: datetime | None = None, **fields
) -> Evidence:
    """Record a new piece of evidence against a commitment (and whether it is now disputed),
    with its history record, in one transaction."""
    _check_known(fields, "evidence_log")
    evidence = Evidence(
        commitment=commitment, logged_by=by, logged_at=at or timezone.now(), **fields
    )
    _name_attachment(evidence, fields)
    evidence_check_claimant(commitment=commitment, claimant=evidence.claimed_by)
    evidence_check_concerns(commitment=commitment, party=evidence.concerns_party)
    evidence_check_dates(occurred_on=evidence.occurred_on, source_date=evidence.source_date)
    # The commitment and the author are rows read already: asking the database whether
    # they exist is a query each. The table's constraints restate what the fields' own
    # validation checks (the gradings' and the stance's choices) or what a new piece of
    # evidence cannot break (not retracted); validated here they cost a query and a
    # savepoint each, and the database holds them at the insert all the same.
    evidence.full_clean(exclude=["commitment", "logged_by"], validate_constraints=False)
    history_by(evidence, by)
    evidence.save()
    if evidence.claimed_by_id is not None:
        commitment_refresh_dispute(commitment=commitment)
    # It may meet a period of a recurring commitment.
    commitment_recompute_due(commitment=commitment, by=by)
    return evidence


@transaction.atomic
def evidence_update(*, evidence: Evidence, by: User | None, **fields) -> Evidence:
    """Correct what was typed in about a piece of evidence (the admin's edits): the fields
    `evidence_log` takes, never who logged it, when, or its retraction. Saved with its
    history record by `by`, and the commitment's dispute flag refreshed, in one transaction.
    """
    _check_known(fields, "evidence_update")
    for name, value in fields.items():
        setattr(evidence, name, value)
    _name_attachment(evidence, fields)
    evidence_check_claimant(commitment=evidence.commitment, claimant=evidence.claimed_by)
    evidence_check_concerns(commitment=evidence.commitment, party=evidence.concerns_party)
    evidence_check_dates(occurred_on=evidence.occurred_on, source_date=evidence.source_date)
    evidence.full_clean()
    history_by(evidence, by)
    evidence.save()
    # Always: the edit may have made a claim, changed one or taken one away.
    commitment_refresh_dispute(commitment=evidence.commitment)
    # Its date or stance may change which periods of a recurring commitment are met.
    commitment_recompute_due(commitment=evidence.commitment, by=by)
    return evidence


def _check_known(fields: dict, service: str) -> None:
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise TypeError(f"{service}() got unexpected fields {sorted(unknown)}")


def _name_attachment(evidence: Evidence, fields: dict) -> None:
    """Keep the uploaded file's own name beside the generated one it is stored under."""
    if "attachment" not in fields:
        return
    upload = fields["attachment"]
    if not upload:
        evidence.attachment_name = ""
    elif not getattr(upload, "_committed", False) or not evidence.attachment_name:
        evidence.attachment_name = getattr(upload, "name", "")[:200]


def evidence_check_claimant(*, commitment: Commitment, claimant: Party | None) -> None:
    """A claim is made by a party to the commitment's agreement."""
    if claimant is not None and not commitment.agreement.parties.filter(pk=claimant.pk).exists():
        raise ValidationError(
            {
                "claimed_by": _("%(party)s is not a party to this agreement.")
                % {"party": claimant.code}
            }
        )


def evidence_check_concerns(*, commitment: Commitment, party: Party | None) -> None:
    """Evidence concerns one of the commitment's responsible parties, or the whole of it."""
    if party is not None and not commitment.responsible_parties.filter(pk=party.pk).exists():
        raise ValidationError(
            {
                "concerns_party": _("%(party)s is not responsible for this commitment.")
                % {"party": party.code}
            }
        )


@transaction.atomic
def evidence_retract(
    *, evidence: Evidence, reason: str, by: User | None, at: datetime | None = None
) -> Evidence:
    """Withdraw evidence: it stays in the record, marked retracted with the reason. The
    retraction, its history record, the dispute flag and the criteria it showed met, now not
    met (`criteria_unmeet_retracted`), commit together or not at all, under the commitment's
    row lock, taken first as the criteria services take it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"retraction_reason": _("Say why this evidence is retracted.")})
    text_check(Evidence, "retraction_reason", reason)
    if evidence.is_retracted:
        raise ValidationError(_("This evidence was already retracted."))
    # First the commitment's row lock (as the criteria services take it), and the criteria
    # this evidence showed met, met no longer (their history names the retraction).
    criteria_unmeet_retracted(evidence=evidence, by=by)
    updated = Evidence.objects.filter(pk=evidence.pk, retracted_at__isnull=True).update(
        retracted_at=at or timezone.now(), retracted_by=by, retraction_reason=reason
    )
    if updated != 1:
        raise ValidationError(_("This evidence was already retracted."))
    evidence.refresh_from_db()
    # The conditional update bypasses save(); the audit trail gets its record here.
    Evidence.history.bulk_history_create(
        [evidence],
        update=True,
        default_user=by,
        default_change_reason=f"Retracted: {reason}",
    )
    if evidence.claimed_by_id is not None:
        commitment_refresh_dispute(commitment=evidence.commitment)
    # The period it met may be missed again.
    commitment_recompute_due(commitment=evidence.commitment, by=by)
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
