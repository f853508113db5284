"""Reads of each party's own status on commitments: the commitment page's per-party
statuses with their histories, and every party's status as of a cut-off (assessment rounds
freeze it)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from ..models import Agreement, Commitment, CommitmentStatus, Obligation, StatusChange


@dataclass
class PartyObligation:
    """One party's status on a commitment and the changes that moved it, newest first (a
    change with no party moved the whole commitment, so every party's)."""

    obligation: Obligation
    changes: list[StatusChange] = field(default_factory=list)

    @property
    def party(self):
        return self.obligation.party


def commitment_obligations(commitment: Commitment) -> list[PartyObligation]:
    """Each responsible party's obligation on a commitment, by party name, with its own
    history: two queries, whatever the number of parties and changes."""
    obligations = [
        PartyObligation(obligation)
        for obligation in Obligation.objects.filter(commitment=commitment)
        .select_related("party")
        .order_by("party__name")
    ]
    if not obligations:
        return []
    changes = (
        StatusChange.objects.filter(commitment=commitment)
        .select_related("evidence", "changed_by", "party")
        .order_by("-changed_at", "-id")
    )
    for change in changes:
        for entry in obligations:
            if change.party_id in (None, entry.obligation.party_id):
                entry.changes.append(change)
    return obligations


def obligation_statuses_as_of(
    agreement: Agreement, cutoff: datetime | date
) -> dict[tuple[int, int], str]:
    """Every (commitment, responsible party) of the agreement and that party's status as of
    `cutoff` (a datetime, or a date: to the end of that day in the current time zone).

    The status of party P on commitment C as of D is the `to_status` of the last
    `StatusChange` of C with `changed_at` ≤ D that names P or names no party (recorded
    before obligations existed, or a change of the whole commitment: it counts for every
    responsible party), by time then id; with none, not started. Two queries.
    """
    pairs = Obligation.objects.filter(commitment__agreement=agreement).values_list(
        "commitment_id", "party_id"
    )
    statuses = dict.fromkeys(pairs, CommitmentStatus.NOT_STARTED.value)
    parties: dict[int, list[int]] = {}
    for commitment_id, party_id in statuses:
        parties.setdefault(commitment_id, []).append(party_id)
    changes = StatusChange.objects.filter(commitment__agreement=agreement)
    if isinstance(cutoff, datetime):
        changes = changes.filter(changed_at__lte=cutoff)
    else:
        changes = changes.filter(changed_at__date__lte=cutoff)
    rows = changes.order_by("changed_at", "id").values_list(
        "commitment_id", "party_id", "to_status"
    )
    for commitment_id, party_id, to_status in rows.iterator(chunk_size=2000):
        for party in [party_id] if party_id is not None else parties.get(commitment_id, []):
            if (commitment_id, party) in statuses:
                statuses[commitment_id, party] = to_status
    return statuses
