"""What the overview and the lists read, and the scores every page shows, in a number of
queries that does not grow with the data (the commitment page's reads are in
`commitment_page`, the agreement page's in `agreement_page`)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import Count, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce

from .. import scoring, series
from ..db import AgreementPartyCodes, CountOf, Ids, ResponsiblePartyCodes, TeamNames
from ..models import Agreement, Commitment, Evidence, JobName, JobRun, Obligation, User
from ..models.agreements import ScoreRule
from ..models.commitments import (
    CLOSED_STATUSES,
    MAX_WEIGHT,
    OPEN_STATUSES,
    STATUS_WEIGHTS,
    CommitmentStatus,
    pending_condition,
)
from ..models.evidence import Stance
from ..routes import object_url
from ..scoring import format_score
from . import statements
from .expressions import next_due_on, open_overdue_flag, score_percent
from .visibility import agreements_visible_to, commitments_visible_to, evidence_visible_to


def party_codes_by(through, key: str, ids: list[int]) -> dict[int, list[str]]:
    """The party codes of each owner (`key` of the many-to-many `through`), by party name."""
    rows = (
        through.objects.filter(**{f"{key}__any": ids})
        .order_by(key, "party__name")
        .values_list(key, "party__code")
    )
    codes: dict[int, list[str]] = {}
    for owner, code in rows:
        codes.setdefault(owner, []).append(code)
    return codes


def with_party_codes(items: list[Commitment] | list[Agreement]) -> list:
    """Set `party_codes` ("AFG · PAK") and `party_count` on each commitment (its responsible
    parties) or agreement (its parties), in one query for all of them: lighter than
    prefetching the parties, for lists that show only their codes."""
    if not items:
        return items
    if isinstance(items[0], Commitment):
        through, key = Commitment.responsible_parties.through, "commitment_id"
    else:
        through, key = Agreement.parties.through, "agreement_id"
    codes = party_codes_by(through, key, [item.pk for item in items])
    for item in items:
        mine = codes.get(item.pk, [])
        item.party_codes, item.party_count = " · ".join(mine), len(mine)
    return items


def with_team_names(agreements: list[Agreement]) -> list[Agreement]:
    """Set `team_names` on each agreement: the teams it is restricted to, by name (empty for
    an open agreement), in one query for all of them, so a list's badges cost no query a row.
    The query runs even when no agreement on the page is restricted, so that a page's query
    count never depends on which rows it shows."""
    for agreement in agreements:
        agreement.team_names = []
    if not agreements:
        return agreements
    ids = [agreement.pk for agreement in agreements]
    rows = (
        Agreement.teams.through.objects.filter(agreement_id__any=ids)
        .order_by("agreement_id", "team__name")
        .values_list("agreement_id", "team__name")
    )
    names: dict[int, list[str]] = {}
    for agreement_id, name in rows:
        names.setdefault(agreement_id, []).append(name)
    for agreement in agreements:
        agreement.team_names = names.get(agreement.pk, [])
    return agreements


def agreements_listed(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Agreements as the agreements list shows them: each with its parties' codes
    (`party_codes`) and the teams it is restricted to (`team_list`, for `with_team_list`) in
    its own row, as the overview's cards read them, rather than a query of each for the
    page."""
    return agreements.prefetch_related(None).annotate(
        party_codes=AgreementPartyCodes("pk"), team_list=TeamNames("pk")
    )


def with_team_list(agreements: list[Agreement]) -> list[Agreement]:
    """Set `team_names` (as `with_team_names` does) from the `team_list` each agreement's own
    query read (`TeamNames`: None for an open agreement)."""
    for agreement in agreements:
        agreement.team_names = agreement.team_list or []
    return agreements


# What an overview card shows of its agreement: no summary, no public-page settings.
CARD_FIELDS = (
    "id",
    "title",
    "slug",
    "signed_on",
    "signed_on_kind",
    "status",
    "score_rule",
    "commitment_count",
    "scored_count",
    "score_points",
    "g7_points",
    "overdue_count",
)


def overview_cards(user: User, *, today: date, limit: int) -> list[Agreement]:
    """The overview's cards: the first `limit` visible agreements, most overdue first (read in
    the `agreement_most_overdue` index's order), each with its next open deadline
    (`next_due_on`), its parties' codes (`party_codes`), the teams it is restricted to
    (`team_names`) and its parties' scores (`party_scores`): two queries, the agreements
    with what belongs to each in their own row, then the scores."""
    agreements = statements.instances(
        f"cards {limit}", user, partial(_cards, limit=limit), today=today
    )
    scores = party_scores(
        [agreement.pk for agreement in agreements],
        {agreement.pk: agreement.score_rule for agreement in agreements},
    )
    for agreement in with_team_list(agreements):
        agreement.party_scores = scores[agreement.pk]
    return agreements


def _cards(user: User, *, today: date, limit: int) -> QuerySet[Agreement]:
    return (
        agreements_visible_to(user)
        .only(*CARD_FIELDS)
        .annotate(
            next_due_on=next_due_on(today),
            party_codes=AgreementPartyCodes("pk"),
            team_list=TeamNames("pk"),
        )
        .order_by("-overdue_count", "title", "pk")[:limit]
    )


def overview_totals(user: User) -> dict:
    """The overview's headline figures, summed from the figures kept on each visible
    agreement (`commitments_due_soon` counts those due soon)."""
    # No row for a user who sees nothing: the sums of no agreement.
    agreements, commitments, overdue, points, scored = next(
        iter(statements.rows("totals", user, _totals)), (0, 0, 0, None, None)
    )
    return {
        "agreements": agreements,
        "commitments": commitments,
        "overdue": overdue,
        "score": score_percent(points, scored),
    }


def _totals(user: User) -> QuerySet[Agreement]:
    """One row of sums over every visible agreement (grouped by a constant, which the ORM
    leaves out: a plain aggregate, as `aggregate()` writes it, that can be compiled ahead)."""
    return (
        agreements_visible_to(user)
        .order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(
            agreements=Count("id"),
            commitments=Coalesce(Sum("commitment_count"), 0),
            overdue=Coalesce(Sum("overdue_count"), 0),
            score_points=Sum("score_points"),
            scored_count=Sum("scored_count"),
        )
        .values_list("agreements", "commitments", "overdue", "score_points", "scored_count")
    )


@dataclass(frozen=True)
class PartyScore:
    code: str
    name: str
    score: float | None
    commitments: int


@dataclass(frozen=True)
class ScoreLine:
    label: str
    weight: int
    commitments: int
    points: int


@dataclass(frozen=True)
class ScoreBreakdown:
    """A score with its working: the points of each status, how many commitments have it."""

    lines: list[ScoreLine]
    points: int
    commitments: int
    max_weight: int
    score: float | None
    rule: str = ScoreRule.PAM
    unscored: int = 0  # commitments left out: not verifiable

    @property
    def shown(self) -> str:
        return format_score(self.score, self.rule)


def score_breakdown(
    counts: dict[str, int], rule: str = ScoreRule.PAM, *, unscored: int = 0
) -> ScoreBreakdown:
    """The score of (verifiable) commitments counted by status under `rule`, shown with its
    working. PAM: their points (STATUS_WEIGHTS) over `MAX_WEIGHT` × all of them, in percent,
    rounded; every commitment counts, an abandoned one at 0 points, so that abandoning one
    never raises the score. G7: the mean of their G7_WEIGHTS, -1 to +1 (`scoring`)."""
    weights = scoring.WEIGHTS[ScoreRule(rule)]
    lines = [
        ScoreLine(
            label=CommitmentStatus(status).label,
            weight=weight,
            commitments=counts.get(status, 0),
            points=weight * counts.get(status, 0),
        )
        for status, weight in weights.items()
    ]
    points = sum(line.points for line in lines)
    commitments = sum(line.commitments for line in lines)
    score = (
        score_percent(points, commitments)
        if rule == ScoreRule.PAM
        else scoring.g7_score(points, commitments)
    )
    return ScoreBreakdown(
        lines=lines,
        points=points,
        commitments=commitments,
        max_weight=MAX_WEIGHT,
        score=score,
        rule=rule,
        unscored=unscored,
    )


def score_of(counts: dict[str, int], rule: str = ScoreRule.PAM) -> float | None:
    """The score of (verifiable) commitments counted by status under `rule`: PAM in percent,
    rounded, G7 from -1 to +1 (`score_breakdown` shows the working; the score history asks
    for the score alone at every change)."""
    if rule == ScoreRule.PAM:
        # One loop rather than two sums: the score history asks at every change.
        points = commitments = 0
        for status, weight in STATUS_WEIGHTS.items():
            count = counts.get(status, 0)
            points += weight * count
            commitments += count
        return score_percent(points, commitments)
    return scoring.score_from_counts(rule, {s: n for s, n in counts.items() if s in STATUS_WEIGHTS})


def party_scores(
    agreement_ids: list[int], rules: dict[int, str] | None = None
) -> dict[int, list[PartyScore]]:
    """Score per responsible party, for each of the given agreements, by name, under each
    agreement's rule (`rules`, PAM when not given), of its verifiable commitments, from that
    party's own statuses (its obligations): one query of counts per (agreement, party,
    status)."""
    rows = statements.rows("party scores", None, _party_counts, agreements=Ids(agreement_ids))
    counts: dict[tuple, dict[str, int]] = {}
    for agreement_id, code, name, status, n in rows:
        counts.setdefault((agreement_id, name, code), {})[status] = n
    return party_scores_of(counts, agreement_ids, rules or {})


def _party_counts(_user: None, *, agreements: Ids) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(
            commitment__agreement_id__any=agreements, commitment__is_verifiable=True
        )
        .values_list("commitment__agreement_id", "party__code", "party__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )


def party_scores_of(
    counts: dict[tuple, dict[str, int]], agreement_ids: list[int], rules: dict[int, str]
) -> dict[int, list[PartyScore]]:
    """The parties' scores from their obligations counted by status, keyed by (agreement id,
    party name, party code): the rule `party_scores` applies, for rows read elsewhere."""
    scores: dict[int, list[PartyScore]] = {agreement_id: [] for agreement_id in agreement_ids}
    for (agreement_id, name, code), by_status in sorted(counts.items()):
        scores[agreement_id].append(
            PartyScore(
                code=code,
                name=name,
                score=score_of(by_status, rules.get(agreement_id, ScoreRule.PAM)),
                commitments=sum(by_status.values()),
            )
        )
    return scores


# What the overview's list of commitments waiting for an event shows: no descriptions.
LISTED_COMMITMENT_FIELDS = (
    "id",
    "reference",
    "title",
    "status",
    "due_on",
    "timeline_wording",
    "agreement__title",
    "agreement__slug",
    "agreement__signed_on",
    "deadline_milestone__date",
)


@dataclass(frozen=True)
class ListedCommitment:
    """A row of the overview's lists of overdue and soon-due commitments: what it shows, read
    as plain values (no model instances)."""

    id: int
    reference: str
    title: str
    status: str
    due_on: date
    agreement_title: str
    party_codes: str  # its responsible parties' codes ("AFG · PAK")
    period: str  # the period a recurring commitment owes ("Q2 2026"), else ""

    @property
    def url(self) -> str:
        return object_url("tracker:commitment-detail", self.id)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


# The values a `ListedCommitment` is made of, in `_listed`'s order.
_LISTED_VALUES = (
    "id",
    "reference",
    "title",
    "status",
    "due_on",
    "agreement__title",
    "party_codes",
    "timeline_wording",
    "deadline_milestone_id",
    "deadline_milestone__date",
    "agreement__signed_on",
)


def _listed(rows) -> list[ListedCommitment]:
    """Rows of `_LISTED_VALUES` (and anything after them) as listed commitments, a recurring
    one's period named as `commitment_period_label` names it: counted from its milestone's
    date if it has a milestone, else from the signing."""
    listed = []
    for row in rows:
        pk, reference, title, status, due_on, agreement_title, codes, wording = row[:8]
        milestone_id, milestone_on, signed_on = row[8:11]
        anchor = milestone_on if milestone_id is not None else signed_on
        period = series.owed_label(wording, anchor, due_on) if wording else ""
        listed.append(
            ListedCommitment(pk, reference, title, status, due_on, agreement_title, codes, period)
        )
    return listed


def _listed_commitments(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.annotate(party_codes=ResponsiblePartyCodes("pk"))


def commitments_overdue(user: User, *, limit: int) -> list[ListedCommitment]:
    """The first `limit` visible commitments flagged overdue, most overdue (earliest due)
    first. Open and dated as every overdue one is, so the partial due-date index is read in
    order."""
    return _listed(statements.rows(f"overdue {limit}", user, partial(_overdue, limit=limit)))


def _overdue(user: User, *, limit: int) -> QuerySet[Commitment]:
    overdue = commitments_visible_to(user).filter(
        open_overdue_flag(), status__in=OPEN_STATUSES, due_on__isnull=False
    )
    return (
        _listed_commitments(overdue).order_by("due_on", "id").values_list(*_LISTED_VALUES)[:limit]
    )


def commitments_due_soon(
    user: User, *, today: date, days: int, limit: int
) -> tuple[list[ListedCommitment], int]:
    """The first `limit` open commitments due from today to `days` ahead, soonest first, and
    how many there are in all: one query, the total counted in a subquery over the
    commitments alone, so that only the rows kept are joined to their agreement and
    milestone (a window count joins every row due before it counts them)."""
    rows = statements.rows(
        f"due soon {limit}",
        user,
        partial(_due_soon, limit=limit),
        start=today,
        end=today + timedelta(days=days),
    )
    return _listed(rows), rows[0][-1] if rows else 0


def _due_soon(user: User, *, start: date, end: date, limit: int) -> QuerySet[Commitment]:
    due = commitments_visible_to(user).filter(
        status__in=OPEN_STATUSES, due_on__gte=start, due_on__lte=end
    )
    return (
        _listed_commitments(due)
        .annotate(total=CountOf(due.order_by().values("pk")))
        .order_by("due_on", "sort_key")
        .values_list(*_LISTED_VALUES, "total")[:limit]
    )


def commitments_pending(user: User, *, limit: int) -> tuple[list[Commitment], int]:
    """The first `limit` open commitments waiting for an event that has not happened (their
    milestone has no date), by agreement and reference, and how many there are in all: one
    query, the total a window count over the same rows."""
    first = statements.instances(f"pending {limit}", user, partial(_pending, limit=limit))
    return first, first[0].total if first else 0


def _pending(user: User, *, limit: int) -> QuerySet[Commitment]:
    pending = (
        commitments_visible_to(user)
        .filter(pending_condition())
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("agreement", "deadline_milestone")
        .only(
            *LISTED_COMMITMENT_FIELDS,
            "timeline_wording",
            "timeline_kind",
            "deadline_milestone__name",
            "deadline_milestone__kind",
            "deadline_milestone__date",
        )
        .annotate(party_codes=ResponsiblePartyCodes("pk"))
        .order_by("agreement__title", "agreement_id", "sort_key")
    )
    return pending.annotate(total=Window(Count("id")))[:limit]


@dataclass(frozen=True)
class ListedEvidence:
    """A piece of the overview's latest evidence: what the list shows (not its quote or
    source), read as plain values."""

    id: int
    summary: str
    stance: str
    reliability: str
    credibility: str
    logged_at: datetime
    retracted_at: datetime | None
    commitment_id: int
    commitment_reference: str
    commitment_title: str
    logged_by: str  # the username, "" when nobody is recorded

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label

    @property
    def grading(self) -> str:
        """The Admiralty code, such as B2 (`Evidence.grading`)."""
        return f"{self.reliability}{self.credibility}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def commitment_url(self) -> str:
        return object_url("tracker:commitment-detail", self.commitment_id)


def evidence_latest(user: User, *, limit: int) -> list[ListedEvidence]:
    """The newest `limit` pieces of visible evidence."""
    rows = statements.rows(f"latest evidence {limit}", user, partial(_latest, limit=limit))
    return [ListedEvidence(*row[:-1], logged_by=row[-1] or "") for row in rows]


def _latest(user: User, *, limit: int) -> QuerySet[Evidence]:
    return (
        evidence_visible_to(user)
        .order_by("-logged_at", "-id")
        .values_list(
            "id",
            "summary",
            "stance",
            "reliability",
            "credibility",
            "logged_at",
            "retracted_at",
            "commitment_id",
            "commitment__reference",
            "commitment__title",
            "logged_by__username",
        )[:limit]
    )


def last_job_run(job: JobName) -> JobRun | None:
    runs = statements.instances(f"last run {job}", None, partial(_last_run, job=job))
    return runs[0] if runs else None


def _last_run(_user: None, *, job: JobName) -> QuerySet[JobRun]:
    return JobRun.objects.filter(job=job).order_by("-started_at")[:1]
