"""What the commitment page reads: the commitment with its agreement, the short lists it
shows of them (its history, criteria, obligations, parties) and its dependencies, in one
query, its SQL compiled once per process (`statements`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.db.models import Func, Model, QuerySet

from ..db import DependencyRows, RelatedRows, prefetched, rows_as_instances
from ..models import (
    Agreement,
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    Obligation,
    OverdueFlag,
    Party,
    StatusChange,
)
from ..models.evidence import CLAIM_STANCES
from ..routes import object_url
from . import statements


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # "status", "evidence", "flagged", "cleared", "extension"
    item: StatusChange | Evidence | OverdueFlag | DeadlineExtension


# Who did it: what `get_username()` and `get_full_name()` read (the public pages name people).
_WHO = ("username", "first_name", "last_name")


class _List(NamedTuple):
    """A list of the commitment's, read as JSON rows in the commitment's own query
    (`db.RelatedRows`): of `model` pointing at the commitment's `owner` column by `key`
    (through a many-to-many's `through`), every column of its own, and of the related
    objects it names (`related`) only what the page shows."""

    model: type[Model]
    related: dict[str, tuple[str, ...]] = {}
    through: type[Model] | None = None
    owner: str = "pk"
    key: str = "commitment"


# Each in its model's order: the history's lists by time (then id), the criteria by position,
# the obligations and both lists of parties by party name. A query of each cost the page
# more to build and run than its few rows.
COMMITMENT_LISTS = {
    "evidence": _List(
        Evidence,
        {
            "logged_by": _WHO,
            "retracted_by": ("username",),
            "claimed_by": ("code", "name"),
            "concerns_party": ("code",),
        },
    ),
    "status_changes": _List(
        StatusChange,
        {"changed_by": _WHO, "evidence": ("logged_at", "summary"), "party": ("code",)},
    ),
    "overdue_flags": _List(OverdueFlag),
    "extensions": _List(DeadlineExtension, {"recorded_by": _WHO}),
    "criteria": _List(Criterion, {"evidence": ("summary", "retracted_at")}),
    "obligations": _List(Obligation, {"party": ("name", "code")}),
    "responsible_parties": _List(Party, through=Commitment.responsible_parties.through),
    "agreement_parties": _List(
        Party, through=Agreement.parties.through, owner="agreement_id", key="agreement"
    ),
}


@cache
def _own_fields(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.name for field in model._meta.concrete_fields)


# The columns of each end of a dependency that a link shows (`commitment_links`).
_LINK_SHOWN = ("id", "reference", "sort_key", "title", "status")


def _columns() -> dict[str, Func]:
    """The commitment's lists and its dependencies, each a column of JSON rows."""
    lists = {
        f"{name}_rows": RelatedRows(
            spec.owner,
            model=spec.model,
            key=spec.key,
            fields=_own_fields(spec.model),
            through=spec.through,
            related=spec.related,
        )
        for name, spec in COMMITMENT_LISTS.items()
    }
    return lists | {"links_rows": DependencyRows("pk", fields=_LINK_SHOWN)}


def _commitment(_user: None, *, pk: int) -> QuerySet[Commitment]:
    # No order: one row at most.
    return (
        Commitment.objects.select_related("agreement", "deadline_milestone")
        .annotate(**_columns())
        .filter(pk=pk)
        .order_by()
    )


def _columns_read(_user: None, *, pk: int) -> QuerySet:
    return Commitment.objects.filter(pk=pk).annotate(**_columns()).values_list(*_columns())


def _rows(commitment: Commitment, *names: str) -> dict[str, list | None]:
    """The JSON rows of the commitment's lists `names` (or its "links"): those read with it
    (`commitment_with_agreement`), else read now, in one query."""
    if hasattr(commitment, "links_rows"):
        return {name: getattr(commitment, f"{name}_rows") for name in names}
    columns = [column.removesuffix("_rows") for column in _columns()]
    found = statements.rows("commitment lists", None, _columns_read, pk=commitment.pk)
    return dict(zip(columns, found[0], strict=True)) if found else dict.fromkeys(names)


def commitment_with_agreement(pk: int) -> Commitment | None:
    """The commitment with its agreement and its deadline's milestone (every column of each,
    as `select_related` reads them), its responsible parties (`responsible_parties.all()`,
    as `prefetch_related` leaves them) and its lists (`commitment_lists`), or None; whoever
    asks (the caller checks access)."""
    found = statements.instances("commitment", None, _commitment, pk=pk)
    if not found:
        return None
    commitment = found[0]
    (parties,) = commitment_lists(commitment, "responsible_parties")
    prefetched(commitment, "responsible_parties", parties)
    return commitment


def commitment_lists(commitment: Commitment, *names: str) -> list[list[Model]]:
    """The commitment's lists `names` (of `COMMITMENT_LISTS`) as instances: those read with
    it (`commitment_with_agreement`), else read now, in one query."""
    rows = _rows(commitment, *names)
    lists = []
    for name in names:
        spec = COMMITMENT_LISTS[name]
        fields = _own_fields(spec.model)
        lists.append(
            rows_as_instances(
                spec.model, fields, rows[name], related=spec.related, db=commitment._state.db
            )
        )
    return lists


def commitment_criteria(commitment: Commitment) -> list[Criterion]:
    """Its completion criteria in order, each with the evidence that shows it met (for its
    summary, and whether it was retracted)."""
    (criteria,) = commitment_lists(commitment, "criteria")
    return criteria


def agreement_parties(commitment: Commitment) -> list[Party]:
    """The parties of the commitment's agreement, by name."""
    (parties,) = commitment_lists(commitment, "agreement_parties")
    return parties


def commitment_history(commitment: Commitment) -> tuple[list[HistoryEntry], list[Evidence]]:
    """Status changes, overdue flags, extensions and evidence, newest first (ties: the later
    recorded first); and the evidence, oldest first."""
    evidence, changes, flags, extensions = commitment_lists(
        commitment, "evidence", "status_changes", "overdue_flags", "extensions"
    )
    entries = [HistoryEntry(item.logged_at, "evidence", item) for item in evidence]
    entries += [HistoryEntry(change.changed_at, "status", change) for change in changes]
    for flag in flags:
        entries.append(HistoryEntry(flag.flagged_at, "flagged", flag))
        if flag.cleared_at:
            entries.append(HistoryEntry(flag.cleared_at, "cleared", flag))
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


def commitment_links(commitment: Commitment) -> dict[str, list[CommitmentLink]]:
    """What it depends on (with whether each is overdue) and what depends on it, read with
    it (`commitment_with_agreement`, `db.DependencyRows`), else in one query."""
    prerequisites, dependents = [], []
    for row in _rows(commitment, "links")["links"] or []:
        if row[0] == commitment.pk:  # it depends on the other end
            prerequisites.append(CommitmentLink(*row[5:10], is_overdue=bool(row[10])))
        if row[5] == commitment.pk:  # the other end depends on it
            dependents.append(CommitmentLink(*row[0:5], is_overdue=False))
    return {
        "prerequisites": sorted(prerequisites, key=lambda item: item.sort_key),
        "dependents": sorted(dependents, key=lambda item: item.sort_key),
    }
