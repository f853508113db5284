"""What the agreement page reads: its commitments, their table's rows, its summary and its
score's history."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db.models import Count, QuerySet, Value
from django.utils import timezone

from ..db import Follows, ResponsiblePartyCodes, TeamNames
from ..models import Agreement, Commitment, StatusChange, User
from ..models.commitments import CLOSED_STATUSES, CommitmentStatus, Theme
from ..routes import object_url
from . import statements
from .agreement_lists import summary_rows, with_agreement_lists, with_summary_rows
from .expressions import open_overdue_flag, with_warnings
from .filters import commitments_filtered
from .pages import PartyScore, ScoreBreakdown, party_scores_of, score_breakdown, score_of
from .visibility import agreements_visible_to


def agreement_for_page(user: User, slug: str, *, header: bool = True) -> Agreement | None:
    """The agreement of this slug if `user` may see it, else None. For the page (`header`),
    with whether the user follows it (`is_followed`), the teams it is restricted to
    (`team_list`), its lists (`with_agreement_lists`) and the rows its summary counts
    (`with_summary_rows`); alone for its table's fragment. One query, its SQL compiled once
    per process for each shape of what the user may see (`statements.instances`)."""
    if header:
        found = statements.instances(
            "agreement page", user, _page_agreement, slug=slug, user_id=user.pk
        )
    else:
        found = statements.instances("agreement", user, _agreement, slug=slug)
    return found[0] if found else None


def with_page_header(agreements: QuerySet[Agreement], *, user_id: int) -> QuerySet[Agreement]:
    """Each agreement with what an agreement's page header shows: whether the user follows
    it (`is_followed`) and the teams it is restricted to (`team_list`)."""
    return agreements.annotate(
        is_followed=Follows("pk", user_id=user_id), team_list=TeamNames("pk")
    )


def _page_agreement(user: User, *, slug: str, user_id: int) -> QuerySet[Agreement]:
    agreements = with_page_header(_agreement(user, slug=slug), user_id=user_id)
    return with_summary_rows(with_agreement_lists(agreements))


def _agreement(user: User, *, slug: str) -> QuerySet[Agreement]:
    return agreements_visible_to(user).filter(slug=slug)


def agreement_commitments(
    agreement: Agreement, *, today: date, filters: dict
) -> QuerySet[Commitment]:
    """The agreement page's commitments table, filtered and sorted as the URL asks."""
    return _agreement_commitments(agreement.pk, today=today, now=timezone.now(), filters=filters)


def _agreement_commitments(
    agreement_id: int, *, today: date, now: datetime, filters: dict
) -> QuerySet[Commitment]:
    commitments = with_warnings(
        Commitment.objects.filter(agreement_id=agreement_id)
        .annotate(is_overdue=open_overdue_flag(probe=True))
        .select_related("deadline_milestone"),
        today=today,
        now=now,
    )
    return commitments_filtered(commitments, today=today, filters=filters)


# The table's filters whose value reaches its query as it is, a parameter of its own, and
# those that choose the query's shape (which sort, overdue or not); the others are run by
# the ORM: the text searched (written into a pattern), the days (into a date), a warning
# (which reads the clock itself, `commitments_filtered`).
_VALUE_FILTERS = ("status", "party", "theme", "priority")
_SHAPE_FILTERS = ("sort", "overdue")
# A page's bounds are written into its SQL, so each page is a statement of its own: those
# of the first pages, which nearly every reader asks for, are kept; a page further down is
# built as a queryset, so that the statements a process keeps stay few however long a table.
_COMPILED_ROWS = 100


def agreement_table_page(
    agreement: Agreement, *, today: date, filters: dict, low: int, high: int
) -> list[Commitment]:
    """The rows `low` to `high` of the agreement page's table (`agreement_commitments` as
    `commitment_table_rows` reads them): its SQL compiled once per process for each shape
    of filters and each page (`statements.instances`), not built for every request."""
    now = timezone.now()
    if filters.keys() - {*_VALUE_FILTERS, *_SHAPE_FILTERS} or low >= _COMPILED_ROWS:
        commitments = _agreement_commitments(agreement.pk, today=today, now=now, filters=filters)
        return list(commitment_table_rows(commitments)[low:high])
    shape = tuple((name, filters[name]) for name in _SHAPE_FILTERS if name in filters)
    values = {name: filters[name] for name in _VALUE_FILTERS if name in filters}
    build = partial(_table_page, shape=shape, low=low, high=high)
    return statements.instances(
        f"agreement table {shape} {sorted(values)} {low}:{high}",
        None,
        build,
        agreement_id=agreement.pk,
        today=today,
        since=now - _stale_after(),
        **values,
    )


def _stale_after() -> timedelta:
    return timedelta(days=settings.STALE_AFTER_DAYS)


def _table_page(
    _user: None, *, agreement_id: int, today: date, since: datetime, shape, low, high, **values
) -> QuerySet[Commitment]:
    # The stale warning reads the moment from which evidence counts (`expressions.stale`):
    # the query is given that moment, and built from the `now` it comes from.
    filters = dict(shape) | values
    commitments = _agreement_commitments(
        agreement_id, today=today, now=since + _stale_after(), filters=filters
    )
    return commitment_table_rows(commitments)[low:high]


def agreement_commitments_count(agreement: Agreement, *, today: date, filters: dict) -> int:
    """How many commitments `agreement_commitments` gives for these filters: counted from the
    agreement's commitments filtered alike, without the table's annotations and joins, which
    a count does not read. Its SQL compiled once per shape of filters, as the table's."""
    shape = tuple((name, filters[name]) for name in ("overdue",) if name in filters)
    values = {name: filters[name] for name in _VALUE_FILTERS if name in filters}
    if filters.keys() - {*_VALUE_FILTERS, *_SHAPE_FILTERS}:
        commitments = Commitment.objects.filter(agreement_id=agreement.pk)
        return commitments_filtered(commitments, today=today, filters=filters).count()
    build = partial(_table_count, shape=shape)
    key = f"agreement table count {shape} {sorted(values)}"
    rows = statements.rows(key, None, build, agreement_id=agreement.pk, **values)
    return rows[0][0] if rows else 0


def _table_count(_user: None, *, agreement_id: int, shape, **values) -> QuerySet[Commitment]:
    """One row, the count (grouped by a constant, which the ORM leaves out: a plain
    aggregate, as `count()` writes it, that can be compiled ahead)."""
    commitments = Commitment.objects.filter(agreement_id=agreement_id)
    # None of these filters reads today.
    filtered = commitments_filtered(commitments, today=None, filters=dict(shape) | values)
    return (
        filtered.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(count=Count("id"))
        .values_list("count")
    )


# What a row of the agreement page's table reads of a commitment and of the milestone its
# deadline counts from (`is_pending`, `deadline_reading`): the description and the rest are
# left in the database, the table's export reads them all.
COMMITMENT_TABLE_FIELDS = (
    "reference",
    "title",
    "theme",
    "timeline_wording",
    "timeline_kind",
    "due_on",
    "original_due_on",
    "is_disputed",
    "is_verifiable",
    "status",
    "priority",
    "deadline_milestone__kind",
    "deadline_milestone__name",
    "deadline_milestone__date",
)


def commitment_table_rows(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """The agreement page's table as its rows read it: the columns a row shows, and each
    row's responsible parties' codes (`party_codes`) in the same query, not a query of
    their own after it."""
    return commitments.only(*COMMITMENT_TABLE_FIELDS).annotate(
        party_codes=ResponsiblePartyCodes("pk")
    )


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    label: str
    score: float | None
    commitments: int


@dataclass(frozen=True)
class SummaryCommitment:
    """A commitment as the agreement pages' summary reads it (the counts, the scores, the
    deadlines' timeline), as plain values: model instances cost the page more to make than
    the query that reads them."""

    id: int
    reference: str
    title: str
    theme: str
    status: str
    due_on: date | None
    is_verifiable: bool

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def get_absolute_url(self) -> str:
        return object_url("tracker:commitment-detail", self.id)


@dataclass(frozen=True)
class AgreementSummary:
    """What the agreement page shows above its table."""

    commitments: list[SummaryCommitment]
    status_counts: dict[str, int]
    score: float | None
    breakdown: ScoreBreakdown  # the score's working, for the page's explanation
    theme_scores: list[ThemeScore]
    party_scores: list[PartyScore]
    history: list["ScorePoint"]


def agreement_summary(agreement: Agreement) -> AgreementSummary:
    """The agreement's commitments (the few fields the deadlines and the chart need), its
    counts per status, its score overall, per theme and per responsible party, and its score
    over time: from its commitments, its obligations and its status changes, read with the
    agreement (`agreement_lists.summary_rows`) or in one query, the figures counted from the
    same rows."""
    rows = summary_rows(agreement)
    commitments = [SummaryCommitment(*row) for row in rows["commitments"]]
    rule = agreement.score_rule
    status_counts = {status.value: 0 for status in CommitmentStatus}
    scored_counts = {status.value: 0 for status in CommitmentStatus}
    by_theme: dict[str, dict[str, int]] = {}
    for commitment in commitments:
        status_counts[commitment.status] += 1
        if not commitment.is_verifiable:
            continue  # not verifiable: left out of every score
        scored_counts[commitment.status] += 1
        theme = by_theme.setdefault(commitment.theme, {})
        theme[commitment.status] = theme.get(commitment.status, 0) + 1
    themes = [
        ThemeScore(
            theme=theme,
            label=Theme(theme).label,
            score=score_of(counts, rule),
            commitments=sum(counts.values()),
        )
        for theme, counts in sorted(by_theme.items())
    ]
    current = {c.pk: c.status for c in commitments if c.is_verifiable}
    # Every obligation of the agreement, read once: the parties' scores (of the verifiable
    # commitments) and the status history's replay both come from these rows.
    shares: dict[tuple[int, int], str] = {}
    by_party: dict[tuple, dict[str, int]] = {}
    for commitment_id, party_id, status, code, name in rows["obligations"]:
        shares[commitment_id, party_id] = status
        if commitment_id in current:
            counts = by_party.setdefault((agreement.pk, name, code), {})
            counts[status] = counts.get(status, 0) + 1
    breakdown = score_breakdown(
        scored_counts, rule, unscored=len(commitments) - sum(scored_counts.values())
    )
    return AgreementSummary(
        commitments=commitments,
        status_counts=status_counts,
        score=breakdown.score,
        breakdown=breakdown,
        theme_scores=themes,
        party_scores=party_scores_of(by_party, [agreement.pk], {agreement.pk: rule})[agreement.pk],
        history=score_history(agreement, current, shares, rows["changes"]),
    )


@dataclass(frozen=True)
class ScorePoint:
    day: date
    score: float  # PAM: a whole percent; G7: -1 to +1


def score_history(
    agreement: Agreement,
    current: dict[int, str],
    shares: dict[tuple[int, int], str] | None = None,
    rows: list[tuple] | None = None,
) -> list[ScorePoint]:
    """The agreement's score after each day on which a status changed, replayed from its
    obligations (`shares`) and its status changes (`rows`, `(commitment id, party id,
    changed_at, from, to)` in time order), each read in a query here when not given.

    `current` maps each scored (verifiable) commitment of the agreement to its status now;
    the others' changes are passed over. The commitments' changes are derived from the
    recorded ones as the services derive a status from its parties' (`obligations.
    commitment_changes`: a party's own change moves its commitment only as far as the rule
    says). Every commitment counts from its status before its first change (its current
    status if it never changed), so the first point is the score before any change. The
    chart is drawn in percent: PAM's weights, whatever the agreement's rule.
    """
    from .obligations import agreement_shares, commitment_changes

    if rows is None:
        rows = (
            StatusChange.objects.filter(commitment__agreement=agreement)
            .order_by("changed_at", "id")
            .values_list("commitment_id", "party_id", "changed_at", "from_status", "to_status")
        )
    if shares is None:
        shares = agreement_shares([agreement.pk])
    changes, _ = commitment_changes(rows, shares, current)
    changes = [change for change in changes if change[0] in current]
    status = statuses_before_changes(current, changes)
    # The counts per status follow the replay, one commitment's move at a time: recounting
    # every commitment at every change cost the page more than its queries.
    counts: dict[str, int] = {}
    for value in status.values():
        counts[value] = counts.get(value, 0) + 1
    points = [ScorePoint(day=agreement.signed_on, score=score_of(counts) or 0)]
    zone = timezone.get_current_timezone()
    for commitment_id, changed_at, _, to_status in changes:
        counts[status[commitment_id]] -= 1
        counts[to_status] = counts.get(to_status, 0) + 1
        status[commitment_id] = to_status
        point = ScorePoint(day=changed_at.astimezone(zone).date(), score=score_of(counts) or 0)
        if points and points[-1].day == point.day:
            points[-1] = point
        else:
            points.append(point)
    return points


def statuses_before_changes(current: dict, changes: list[tuple]) -> dict:
    """Where a replay of the status history starts: each key (a commitment) at its status
    before its first recorded change, or at its status now if it never changed. `changes`
    are (key, changed_at, from_status, to_status) in time order."""
    status = dict(current)
    for key, _, from_status, _ in reversed(changes):
        status[key] = from_status
    return status
