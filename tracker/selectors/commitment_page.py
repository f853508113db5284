"""What the commitment page reads: the commitment, its history, its links, its criteria and
its agreement's parties, each query compiled once per process (`statements`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db.models import Q, QuerySet

from ..models import (
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    OverdueFlag,
    Party,
    StatusChange,
)
from ..models.evidence import CLAIM_STANCES
from ..routes import object_url
from . import statements
from .expressions import open_overdue_flag


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # "status", "evidence", "flagged", "cleared", "extension"
    item: StatusChange | Evidence | OverdueFlag | DeadlineExtension


# Who did it: what `get_username()` and `get_full_name()` read (the public pages name people).
_WHO = ("username", "first_name", "last_name")


# A commitment's history, each list in the order it was recorded (by time, then id), read by
# its SQL compiled once (`statements.instances`); related people and parties for their names.
def _evidence(_user: None, *, commitment_id: int) -> QuerySet[Evidence]:
    related = {
        "logged_by": _WHO,
        "retracted_by": ("username",),
        "claimed_by": ("code", "name"),
        "concerns_party": ("code",),
    }
    return (
        statements.with_related(Evidence, related)
        .filter(commitment_id=commitment_id)
        .order_by("logged_at", "id")
    )


def _status_changes(_user: None, *, commitment_id: int) -> QuerySet[StatusChange]:
    related = {"changed_by": _WHO, "evidence": ("logged_at", "summary"), "party": ("code",)}
    return (
        statements.with_related(StatusChange, related)
        .filter(commitment_id=commitment_id)
        .order_by("changed_at", "id")
    )


def _overdue_flags(_user: None, *, commitment_id: int) -> QuerySet[OverdueFlag]:
    return OverdueFlag.objects.filter(commitment_id=commitment_id).order_by("flagged_at", "id")


def _extensions(_user: None, *, commitment_id: int) -> QuerySet[DeadlineExtension]:
    return (
        statements.with_related(DeadlineExtension, {"recorded_by": _WHO})
        .filter(commitment_id=commitment_id)
        .order_by("recorded_at", "id")
    )


def _criteria(_user: None, *, commitment_id: int) -> QuerySet[Criterion]:
    return (
        statements.with_related(Criterion, {"evidence": ("summary", "retracted_at")})
        .filter(commitment_id=commitment_id)
        .order_by("position", "id")  # the model's order within one commitment
    )


def _agreement_parties(_user: None, *, agreement_id: int) -> QuerySet[Party]:
    return Party.objects.filter(agreements=agreement_id).order_by("name")


def _commitment(_user: None, *, pk: int) -> QuerySet[Commitment]:
    # No order: one row at most.
    return (
        Commitment.objects.select_related("agreement", "deadline_milestone")
        .filter(pk=pk)
        .order_by()
    )


def commitment_with_agreement(pk: int) -> Commitment | None:
    """The commitment with its agreement and its deadline's milestone (every column of each,
    as `select_related` reads them), or None; whoever asks (the caller checks access)."""
    found = statements.instances("commitment", None, _commitment, pk=pk)
    return found[0] if found else None


def commitment_criteria(commitment: Commitment) -> list[Criterion]:
    """Its completion criteria in order, each with the evidence that shows it met (for its
    summary, and whether it was retracted)."""
    return statements.instances("commitment criteria", None, _criteria, commitment_id=commitment.pk)


def agreement_parties(agreement_id: int) -> list[Party]:
    """The agreement's parties by name."""
    return statements.instances(
        "agreement parties", None, _agreement_parties, agreement_id=agreement_id
    )


def commitment_history(commitment: Commitment) -> tuple[list[HistoryEntry], list[Evidence]]:
    """Status changes, overdue flags, extensions and evidence, newest first (ties: the later
    recorded first), in four queries; and the evidence, oldest first."""
    read = partial(statements.instances, user=None, commitment_id=commitment.pk)
    evidence = read("commitment evidence", build=_evidence)
    entries = [HistoryEntry(item.logged_at, "evidence", item) for item in evidence]
    changes = read("commitment status changes", build=_status_changes)
    entries += [HistoryEntry(change.changed_at, "status", change) for change in changes]
    for flag in read("commitment overdue flags", build=_overdue_flags):
        entries.append(HistoryEntry(flag.flagged_at, "flagged", flag))
        if flag.cleared_at:
            entries.append(HistoryEntry(flag.cleared_at, "cleared", flag))
    extensions = read("commitment extensions", build=_extensions)
    entries += [HistoryEntry(item.recorded_at, "extension", item) for item in extensions]
    # A stable sort of entries each in time order: equal times keep their recorded order.
    entries.sort(key=lambda entry: entry.at)
    entries.reverse()
    return entries, evidence


def current_claims(evidence: Iterable[Evidence]) -> dict[int, Evidence]:
    """Each party's current claim: of the evidence (in any order) still standing that the
    party claims and that shows progress or a setback, the latest logged (then the latest
    id). The one rule for the dispute flag and for the claims shown side by side."""
    claims: dict[int, Evidence] = {}
    for item in sorted(evidence, key=lambda item: (item.logged_at, item.pk)):
        if item.claimed_by_id and not item.is_retracted and item.stance in CLAIM_STANCES:
            claims[item.claimed_by_id] = item
    return claims


@dataclass(frozen=True)
class CommitmentLink:
    """A commitment at the other end of a dependency, with what its link shows."""

    pk: int
    reference: str
    sort_key: str
    title: str
    status: str
    is_overdue: bool

    def get_absolute_url(self) -> str:
        return object_url("tracker:commitment-detail", self.pk)


# The columns of each end of a dependency that a link shows.
_LINK_SHOWN = ("id", "reference", "sort_key", "title", "status")


def _links_read(_user: None, *, commitment_id: int) -> QuerySet:
    through = Commitment.depends_on.through
    pk = commitment_id
    return (
        through.objects.filter(Q(from_commitment_id=pk) | Q(to_commitment_id=pk))
        .annotate(is_overdue=open_overdue_flag("to_commitment_id"))
        .values_list(
            *(f"from_commitment__{name}" for name in _LINK_SHOWN),
            *(f"to_commitment__{name}" for name in _LINK_SHOWN),
            "is_overdue",
        )
    )


def commitment_links(commitment: Commitment) -> dict[str, list[CommitmentLink]]:
    """What it depends on (with whether each is overdue) and what depends on it, in one query
    over the dependencies themselves (both ends read in the row, each by its index), its SQL
    compiled once (`statements.rows`): building two annotated querysets and their UNION cost
    more than the page's other queries, for a list that is usually empty."""
    prerequisites, dependents = [], []
    links = statements.rows("commitment links", None, _links_read, commitment_id=commitment.pk)
    for row in links:
        if row[0] == commitment.pk:  # it depends on the other end
            prerequisites.append(CommitmentLink(*row[5:10], is_overdue=row[10]))
        if row[5] == commitment.pk:  # the other end depends on it
            dependents.append(CommitmentLink(*row[0:5], is_overdue=False))
    return {
        "prerequisites": sorted(prerequisites, key=lambda item: item.sort_key),
        "dependents": sorted(dependents, key=lambda item: item.sort_key),
    }
