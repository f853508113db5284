"""Reads of each party's own status on commitments: the commitment page's per-party
statuses with their histories, and every party's status as of a cut-off (assessment rounds
freeze it)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from ..models import Agreement, Commitment, CommitmentStatus, Obligation, StatusChange
from .commitment_page import commitment_lists


@dataclass
class PartyObligation:
    """One party's status on a commitment and the changes that moved it, newest first (a
    change with no party moved the whole commitment, so every party's)."""

    obligation: Obligation
    changes: list[StatusChange] = field(default_factory=list)

    @property
    def party(self):
        return self.obligation.party


def commitment_obligations(
    commitment: Commitment, *, changes: list[StatusChange]
) -> list[PartyObligation]:
    """Each responsible party's obligation on a commitment, by party name (each party read
    for its name and code), with its own history out of `changes`, the commitment's status
    changes newest first (the ones its page has read for its history: `commitment_history`).
    Read with the commitment (`commitment_lists`), whatever the number of parties and
    changes."""
    (read,) = commitment_lists(commitment, "obligations")
    obligations = [PartyObligation(obligation) for obligation in read]
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


# A status-history replay works on keys: (commitment id, party id) for a party's obligation,
# (commitment id, None) for a commitment with no obligation (no responsible party).
ShareKey = tuple[int, int | None]


def share_changes(
    rows, parties_of: dict[int, list[int]]
) -> list[tuple[ShareKey, datetime, str, str]]:
    """Status changes `(commitment id, party id, changed_at, from, to)`, in time order, as
    changes of shares: one naming a party moves that party's share; one naming none (recorded
    before obligations, or a change of the whole commitment) moves every current party's
    share of its commitment, or the commitment's own key when it has no obligation. Changes
    of a party no longer responsible are left out (its share is gone)."""
    out = []
    for commitment_id, party_id, at, from_status, to_status in rows:
        current = parties_of.get(commitment_id)
        if party_id is None:
            keys = (
                [(commitment_id, party) for party in current]
                if current
                else [(commitment_id, None)]
            )
        elif current and party_id in current:
            keys = [(commitment_id, party_id)]
        else:
            keys = []
        out.extend((key, at, from_status, to_status) for key in keys)
    return out


def agreement_shares(agreement_ids: list[int]) -> dict[tuple[int, int], str]:
    """Every obligation of the agreements' commitments: (commitment id, party id) → status.
    One query."""
    return {
        (commitment_id, party_id): status
        for commitment_id, party_id, status in Obligation.objects.filter(
            commitment__agreement_id__in=agreement_ids
        )
        .order_by()
        .values_list("commitment_id", "party_id", "status")
    }


def parties_by_commitment(shares) -> dict[int, list[int]]:
    parties: dict[int, list[int]] = {}
    for commitment_id, party_id in shares:
        parties.setdefault(commitment_id, []).append(party_id)
    return parties


def commitment_changes(
    rows, shares: dict[tuple[int, int], str], current: dict[int, str]
) -> tuple[list[tuple[int, datetime, str, str]], list[tuple[ShareKey, datetime, str, str]]]:
    """The commitments' status changes as the services derive them, from the recorded ones:
    `rows` are `(commitment id, party id, changed_at, from, to)` in time order, `shares`
    every obligation's status now, `current` every commitment's status now. Each share is
    replayed from its status before its first change (`share_changes`), and a commitment's
    status is `derived_status` of its parties' shares (its own key without obligations);
    a change is listed when it moved the derived status. Returns the commitments' changes
    `(commitment id, changed_at, from, to)` and the shares' changes."""
    from ..models.obligations import derived_status

    parties_of = parties_by_commitment(shares)
    changes = share_changes(rows, parties_of)
    state: dict[ShareKey, str] = {
        **shares,
        **{(pk, None): status for pk, status in current.items() if pk not in parties_of},
    }
    for key, _, from_status, _ in reversed(changes):
        state[key] = from_status

    def status_of(commitment_id: int) -> str:
        parties = parties_of.get(commitment_id)
        if not parties:
            return state[commitment_id, None]
        if len(parties) == 1:  # most commitments: their one party's status is theirs
            return state[commitment_id, parties[0]]
        return derived_status(state[commitment_id, party] for party in parties)

    derived = []
    derived_now: dict[int, str] = {}  # each replayed commitment's status as of the change
    for key, at, _, to_status in changes:
        commitment_id = key[0]
        before = derived_now.get(commitment_id) or status_of(commitment_id)
        state[key] = to_status
        derived_now[commitment_id] = after = status_of(commitment_id)
        if before != after:
            derived.append((commitment_id, at, before, after))
    return derived, changes
