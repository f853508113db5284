"""What each page reads, in a number of queries that does not grow with the data."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import scoring, series
from ..db import (
    AgreementPartyCodes,
    CountOf,
    Ids,
    ResponsiblePartyCodes,
    TeamNames,
)
from ..models import (
    Agreement,
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    JobName,
    JobRun,
    Obligation,
    OverdueFlag,
    Party,
    StatusChange,
    User,
)
from ..models.agreements import ScoreRule
from ..models.commitments import (
    CLOSED_STATUSES,
    MAX_WEIGHT,
    OPEN_STATUSES,
    STATUS_WEIGHTS,
    CommitmentStatus,
    Theme,
    pending_condition,
)
from ..models.evidence import CLAIM_STANCES, Stance
from ..routes import object_url
from ..scoring import format_score
from . import statements
from .agreement_lists import summary_rows
from .expressions import (
    next_due_on,
    open_overdue_flag,
    score_percent,
    with_warnings,
)
from .filters import commitments_filtered
from .visibility import agreements_visible_to, commitments_visible_to, evidence_visible_to


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


# One agreement.


def agreement_commitments(
    agreement: Agreement, *, today: date, filters: dict
) -> QuerySet[Commitment]:
    """The agreement page's commitments table, filtered and sorted as the URL asks."""
    commitments = with_warnings(
        Commitment.objects.filter(agreement=agreement)
        .annotate(is_overdue=open_overdue_flag(probe=True))
        .select_related("deadline_milestone"),
        today=today,
        now=timezone.now(),
    )
    return commitments_filtered(commitments, today=today, filters=filters)


def agreement_commitments_count(agreement: Agreement, *, today: date, filters: dict) -> int:
    """How many commitments `agreement_commitments` gives for these filters: counted from the
    agreement's commitments filtered alike, without the table's annotations and joins, which
    a count does not read but Django would copy and compile all the same."""
    commitments = Commitment.objects.filter(agreement=agreement)
    return commitments_filtered(commitments, today=today, filters=filters).count()


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
