"""The overdue page's reads: which agreements have overdue commitments (its unit of
pagination), and each one's overdue commitments by responsible party."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from .. import series
from ..models import Agreement, Commitment, Obligation, OverdueFlag, User
from ..models.commitments import CLOSED_STATUSES, OPEN_STATUSES, describe_lateness
from ..routes import object_url
from .pages import party_codes_by
from .visibility import agreements_visible_to


def _overdue_rows(filters: dict, *, agreements=None) -> QuerySet[Obligation]:
    """The late obligations: (commitment, party) rows of commitments flagged overdue whose
    party's own status is still open (a party that implemented its part is not late, though
    the joint commitment is), filtered, of `agreements` if given (a page of them, or the
    visible ones).

    The open flags are reached from those agreements' commitments: as an EXISTS over all
    flags, PostgreSQL hashed every open flag in the database to keep the few hundred of one
    page."""
    open_flags = OverdueFlag.objects.filter(cleared_at__isnull=True)
    rows = Obligation.objects.filter(status__in=OPEN_STATUSES)
    if agreements is not None:
        open_flags = open_flags.filter(commitment__agreement__in=agreements)
        rows = rows.filter(commitment__agreement__in=agreements)
    rows = rows.filter(commitment_id__in=open_flags.values("commitment_id"))
    if "party" in filters:
        rows = rows.filter(party__code=filters["party"])
    if "theme" in filters:
        rows = rows.filter(commitment__theme=filters["theme"])
    if "priority" in filters:
        rows = rows.filter(commitment__priority=filters["priority"])
    return rows


def overdue_agreements(user: User, *, filters: dict) -> QuerySet[Agreement]:
    """The visible agreements with an overdue commitment matching the filters, by title: the
    overdue page's unit of pagination (the kept overdue count skips the others at once)."""
    agreements = agreements_visible_to(user).filter(overdue_count__gt=0)
    if filters.keys() & {"party", "theme", "priority"}:
        matching = _overdue_rows(filters).filter(commitment__agreement_id=OuterRef("pk"))
        agreements = agreements.filter(Exists(matching))
    return agreements.order_by("title", "pk")


# Grouping order: agreement, then party, then most overdue first.
_ROW_ORDER = (
    "commitment__agreement__title",
    "commitment__agreement_id",
    "party__name",
    "commitment__due_on",
    "commitment__sort_key",
)


def overdue_by_party(user: User, *, filters: dict, agreements=None) -> QuerySet:
    """One row (an `Obligation`) per (overdue commitment, party late on it), ordered for
    grouping by agreement, then party, then most overdue first. A joint commitment appears
    under each party whose part is still open, and only under those.
    `agreements` narrows it to some visible agreements."""
    if agreements is None:
        agreements = agreements_visible_to(user)
    return (
        _overdue_rows(filters, agreements=agreements)
        .select_related("commitment__agreement", "party")
        .order_by(*_ROW_ORDER)
    )


@dataclass
class OverdueRow:
    id: int
    reference: str
    title: str
    timeline: str
    due_on: date
    status: str  # the party's own status
    lateness: str
    joint: str  # the codes of all its responsible parties when there are several
    period: str = ""  # a recurring commitment's period missed ("Q1 2026")

    @property
    def url(self) -> str:
        return object_url("tracker:commitment-detail", self.id)


@dataclass
class OverdueParty:
    name: str
    rows: list[OverdueRow] = field(default_factory=list)


@dataclass
class OverdueGroup:
    agreement_id: int
    title: str
    slug: str
    parties: list[OverdueParty] = field(default_factory=list)

    @property
    def url(self) -> str:
        return object_url("tracker:agreement-detail", self.slug)


def overdue_groups(
    user: User, *, filters: dict, agreement_ids: list[int], today: date
) -> list[OverdueGroup]:
    """A page of the overdue page: these agreements' overdue commitments by responsible
    party, as plain rows (no model instances: a page holds a few hundred), in two queries."""
    rows = overdue_by_party(user, filters=filters, agreements=agreement_ids).values_list(
        "commitment__agreement_id",
        "commitment__agreement__title",
        "commitment__agreement__slug",
        "party__name",
        "commitment_id",
        "commitment__reference",
        "commitment__title",
        "commitment__timeline_wording",
        "commitment__due_on",
        "status",
        "commitment__deadline_milestone__date",
        "commitment__agreement__signed_on",
    )
    rows = list(rows)
    joint = party_codes_by(
        Commitment.responsible_parties.through, "commitment_id", [row[4] for row in rows]
    )
    groups: list[OverdueGroup] = []
    lateness: dict[tuple, str] = {}  # rows due the same day read the same: worded once
    for row in rows:
        agreement_id, title, slug, party, pk, reference, name, timeline, due_on, status = row[:10]
        milestone_on, signed_on = row[10:]
        if not groups or groups[-1].agreement_id != agreement_id:
            groups.append(OverdueGroup(agreement_id, title, slug))
        parties = groups[-1].parties
        if not parties or parties[-1].name != party:
            parties.append(OverdueParty(party))
        codes = joint.get(pk, [])
        closed = status in CLOSED_STATUSES
        late = lateness.get((due_on, closed))
        if late is None:
            late = lateness[due_on, closed] = describe_lateness(
                due_on=due_on, closed=closed, today=today
            )
        parties[-1].rows.append(
            OverdueRow(
                id=pk,
                reference=reference,
                title=name,
                timeline=timeline,
                due_on=due_on,
                status=status,
                lateness=late,
                joint=" · ".join(codes) if len(codes) > 1 else "",
                period=series.owed_label(timeline, milestone_on or signed_on, due_on),
            )
        )
    return groups
