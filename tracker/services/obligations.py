"""Obligations: each responsible party's own status on a commitment, kept in step with the
responsible parties, moved with a reason, and the commitment's status derived from them.

The commitment's `status` column stays the stored, derived value (the figures' triggers read
it); after obligations exist, only `commitment_derive_status` writes it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Commitment,
    CommitmentStatus,
    Evidence,
    Obligation,
    OverdueFlag,
    Party,
    StatusChange,
    User,
)
from ..models.commitments import CLOSED_STATUSES
from ..models.obligations import derived_status
from .history import history_by, text_check


class ObligationConflict(Exception):
    """Someone else moved this party's status since the form was loaded."""

    def __init__(self, obligation: Obligation):
        self.obligation = obligation
        self.commitment = obligation.commitment
        super().__init__(
            _(
                "%(party)s's status on %(reference)s was changed by someone else while you "
                "were editing it; nothing was saved. Reload to see it, then try again."
            )
            % {"party": obligation.party.code, "reference": obligation.commitment.reference}
        )


def commitment_sync_obligations(*, commitment: Commitment, by: User | None) -> None:
    """One obligation per responsible party: the one writer of obligations' existence, called
    by `commitment_save` (so by the admin's commitment page and agreement inline, the
    importer and the drafting page) on every save, after it sets the responsible parties,
    in its transaction and under the commitment's row lock. It also puts back the derived
    status over whatever status the saved instance carried.

    A party no longer responsible loses its obligation (its history stays in `StatusChange`).
    A party added to a commitment that has no obligation yet (a new one) starts at the
    commitment's status, since that status was everyone's; a party added beside others
    already there starts not started (nothing is known of its part), recorded as a status
    change naming it when that differs from the commitment's status. Then the commitment's
    status is derived again.
    """
    wanted = set(commitment.responsible_parties.values_list("pk", flat=True))
    existing = {o.party_id: o for o in Obligation.objects.filter(commitment=commitment)}
    for party_id, obligation in existing.items():
        if party_id not in wanted:
            history_by(obligation, by)
            obligation.delete()
    kept = wanted & existing.keys()
    added = sorted(wanted - existing.keys())
    if not added:
        commitment_derive_status(commitment=commitment, by=by, reason=_DERIVED, when_changed=True)
        return
    start = commitment.status if not kept else CommitmentStatus.NOT_STARTED
    now = timezone.now()
    created = Obligation.objects.bulk_create(
        [Obligation(commitment=commitment, party_id=pk, status=start) for pk in added]
    )
    Obligation.history.bulk_history_create(created, default_user=by)
    if start != commitment.status:
        StatusChange.objects.bulk_create(
            StatusChange(
                commitment=commitment,
                party_id=pk,
                from_status=commitment.status,
                to_status=start,
                reason=_ADDED,
                changed_by=by,
                changed_at=now,
            )
            for pk in added
        )
    commitment_derive_status(commitment=commitment, by=by, reason=_ADDED, when_changed=True)


# Stored reasons are data, written in the language of the records, like every other
# service's reasons.
_ADDED = "Responsible parties changed: a party added starts not started"
_DERIVED = "Status derived again from the responsible parties' statuses"


def commitment_derive_status(
    *,
    commitment: Commitment,
    by: User | None,
    reason: str,
    at: datetime | None = None,
    when_changed: bool = False,
) -> str:
    """Write the commitment's status as `derived_status` of its obligations, with a history
    record, and bump its version (a party's change conflicts with a whole-commitment form
    loaded before it); with `when_changed`, only if the status differs from
    `commitment.status`. Closing clears its open overdue flag at once. The caller holds the
    commitment's row lock; this takes the flags, then (the triggers) the figures, the
    writers' lock order. A commitment without obligations keeps `commitment.status`."""
    # Unordered: the statuses are a set, and the default order joins the commitment, its
    # agreement and the parties to sort them.
    statuses = (
        Obligation.objects.filter(commitment=commitment).order_by().values_list("status", flat=True)
    )
    status = derived_status(statuses) or commitment.status
    if when_changed and status == commitment.status:
        return status
    now = at or timezone.now()
    if status in CLOSED_STATUSES:
        OverdueFlag.objects.filter(commitment=commitment, cleared_at__isnull=True).update(
            cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
        )
    Commitment.objects.filter(pk=commitment.pk).update(
        status=status, version=F("version") + 1, updated_at=now
    )
    commitment.status = status
    commitment.version = Commitment.objects.values_list("version", flat=True).get(pk=commitment.pk)
    commitment.updated_at = now
    # The update bypasses save(); the audit trail gets its record here.
    Commitment.history.bulk_history_create(
        [commitment], update=True, default_user=by, default_change_reason=reason
    )
    return status


def status_change_check(
    *, commitment: Commitment, reason: str, evidence: Evidence | None, party: Party | None = None
) -> str:
    """The checks every status change makes before it writes: a reason within its limit, and
    cited evidence of this commitment, not retracted, and (for one party's change) not
    about another party. Returns the reason stripped."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the change.")})
    text_check(StatusChange, "reason", reason)
    if evidence is not None and (evidence.commitment_id != commitment.pk or evidence.is_retracted):
        raise ValidationError(
            {"evidence": _("Cite evidence logged against this commitment and not retracted.")}
        )
    if (
        evidence is not None
        and party is not None
        and evidence.concerns_party_id not in (None, party.pk)
    ):
        raise ValidationError(
            {
                "evidence": _("That evidence concerns %(other)s, not %(party)s.")
                % {"other": evidence.concerns_party.code, "party": party.code}
            }
        )
    return reason


@transaction.atomic
def obligation_set_status(
    *,
    commitment: Commitment,
    party: Party,
    status: str,
    reason: str,
    by: User | None,
    evidence: Evidence | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
    unmet_criteria_reason: str = "",
) -> StatusChange:
    """Move one party's status on a commitment, with a reason and optionally the evidence
    cited; then derive the commitment's status (`commitment_derive_status`). "Implemented"
    while a completion criterion is unmet needs `unmet_criteria_reason`
    (`criteria_check_implemented`, as for the whole commitment), recorded on the change.

    Locks in the writers' order: the commitment's row, its flags, its agreement's figures.
    `expected_version` is the obligation's version the user saw: if someone moved that party
    since, `ObligationConflict` is raised and nothing is written.
    """
    from .commitments import commitment_lock, commitment_recompute_due

    status = CommitmentStatus(status)
    reason = status_change_check(
        commitment=commitment, reason=reason, evidence=evidence, party=party
    )
    commitment_lock(commitment)
    obligation = (
        Obligation.objects.filter(commitment=commitment, party=party)
        .select_related("party", "commitment")
        .first()
    )
    if obligation is None:
        raise ValidationError(
            {
                "party": _("%(party)s is not responsible for %(reference)s.")
                % {"party": party.code, "reference": commitment.reference}
            }
        )
    if expected_version is not None and expected_version != obligation.version:
        raise ObligationConflict(obligation)
    if status == obligation.status:
        raise ValidationError(
            {
                "status": _("%(party)s is already “%(status)s”.")
                % {"party": party.code, "status": status.label}
            }
        )
    from .criteria import criteria_check_implemented

    unmet_criteria_reason = criteria_check_implemented(
        commitment, unmet_criteria_reason, status=status
    )
    now = at or timezone.now()
    change = obligation_write(
        obligation=obligation,
        status=status,
        by=by,
        reason=reason,
        evidence=evidence,
        at=now,
        unmet_criteria_reason=unmet_criteria_reason,
    )
    commitment.refresh_from_db(fields=["status", "version"])
    commitment_derive_status(commitment=commitment, by=by, reason=reason, at=now)
    # A status change may meet a period of a recurring commitment.
    commitment_recompute_due(commitment=commitment, by=by)
    return change


def obligation_write(
    *,
    obligation: Obligation,
    status: str,
    by: User | None,
    reason: str,
    at: datetime,
    evidence: Evidence | None = None,
    record: bool = True,
    unmet_criteria_reason: str = "",
) -> StatusChange:
    """Move one obligation (its row locked through the commitment's by the caller), with its
    history record and, when `record`, its `StatusChange` naming the party (returned unsaved
    when not recorded, saved otherwise)."""
    change = StatusChange(
        commitment_id=obligation.commitment_id,
        party_id=obligation.party_id,
        from_status=obligation.status,
        to_status=status,
        reason=reason,
        evidence=evidence,
        changed_by=by,
        changed_at=at,
        unmet_criteria_reason=unmet_criteria_reason,
    )
    Obligation.objects.filter(pk=obligation.pk).update(
        status=status, version=F("version") + 1, updated_at=at
    )
    obligation.status = status
    obligation.version += 1
    obligation.updated_at = at
    Obligation.history.bulk_history_create(
        [obligation], update=True, default_user=by, default_change_reason=reason
    )
    if record:
        change.save()
    return change
