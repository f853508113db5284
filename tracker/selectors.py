"""Every read that a page or a job needs, with a number of queries that does not grow with
the data.

`agreements_visible_to` is the one place that decides who sees which agreement; every other
read starts from it (or from `commitments_visible_to`, built on it).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from .db import DaysBetween
from .models import (
    Agreement,
    Commitment,
    DeadlineExtension,
    Evidence,
    JobName,
    JobRun,
    OverdueFlag,
    StatusChange,
    Team,
    User,
)
from .models.commitments import (
    MAX_WEIGHT,
    OPEN_STATUSES,
    STATUS_WEIGHTS,
    CommitmentStatus,
    Priority,
    Theme,
)

# ---------------------------------------------------------------------------------------------
# Visibility


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """Open agreements, plus restricted ones shared with one of the user's teams.

    Anonymous users and users without a role see nothing; admins see everything.
    """
    if not user.is_authenticated or not user.is_active:
        return Agreement.objects.none()
    if user.sees_all_agreements:
        return Agreement.objects.all()
    if user.role is None:
        return Agreement.objects.none()
    restricted = Agreement.teams.through.objects.filter(agreement_id=OuterRef("pk"))
    shared = restricted.filter(
        team_id__in=Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    )
    return Agreement.objects.filter(~Exists(restricted) | Exists(shared))


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return Commitment.objects.filter(agreement__in=agreements_visible_to(user))


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(commitment__agreement__in=agreements_visible_to(user))


# ---------------------------------------------------------------------------------------------
# Scores and flags as SQL expressions


def open_overdue_flag(commitment_ref: str = "pk") -> Exists:
    """Annotation: the commitment is flagged overdue now (by the last scan)."""
    return Exists(
        OverdueFlag.objects.filter(commitment_id=OuterRef(commitment_ref), cleared_at__isnull=True)
    )


def status_weight(prefix: str = "") -> Case:
    """The status's points on the 0–3 scale, NULL for statuses left out of the score."""
    return Case(
        *(
            When(**{f"{prefix}status": status}, then=Value(weight))
            for status, weight in STATUS_WEIGHTS.items()
            if weight is not None
        ),
        default=None,
        output_field=IntegerField(),
    )


def score_aggregates(prefix: str = "") -> dict:
    """Aggregates giving `score_points` and `scored_count` over commitments at `prefix`."""
    scored = ~Q(**{f"{prefix}status": CommitmentStatus.ABANDONED})
    return {
        "score_points": Sum(status_weight(prefix), filter=scored),
        "scored_count": Count(f"{prefix}id" if prefix else "id", filter=scored),
    }


def score_percent(points: int | None, count: int | None) -> int | None:
    """Implementation score in percent: points over 3 × the scored commitments."""
    if not count:
        return None
    return round(100 * (points or 0) / (MAX_WEIGHT * count))


def _per_agreement(queryset: QuerySet[Commitment], **aggregate) -> Subquery:
    """One aggregate over an agreement's commitments, as a subquery per agreement row."""
    ((name, expression),) = aggregate.items()
    grouped = queryset.filter(agreement_id=OuterRef("pk")).order_by().values("agreement_id")
    return Subquery(grouped.annotate(**{name: expression}).values(name))


def _count_per_agreement(queryset: QuerySet[Commitment]) -> Coalesce:
    return Coalesce(_per_agreement(queryset, n=Count("id")), 0)


def with_agreement_stats(agreements: QuerySet[Agreement], *, today: date) -> QuerySet[Agreement]:
    """Annotate each agreement with its commitment count, score, overdue count and next due date."""
    commitments = Commitment.objects.all()
    scored = commitments.exclude(status=CommitmentStatus.ABANDONED)
    return agreements.annotate(
        commitment_count=_count_per_agreement(commitments),
        score_points=_per_agreement(scored, points=Sum(status_weight())),
        scored_count=_count_per_agreement(scored),
        overdue_count=_count_per_agreement(commitments.filter(open_overdue_flag())),
        next_due_on=_per_agreement(
            commitments.filter(status__in=OPEN_STATUSES, due_on__gte=today), due=Min("due_on")
        ),
        score=Cast(F("score_points"), FloatField())
        * 100
        / (MAX_WEIGHT * NullIf(F("scored_count"), 0)),
    )


# ---------------------------------------------------------------------------------------------
# Early warnings: at risk, stale, blocked (disputed is kept on the row by services)


def at_risk(today: date) -> Q:
    """Open, not yet due, and less of its time left than its status allows
    (settings.AT_RISK_SHARE_LEFT): the pace will miss the deadline.

    Time left is counted from today to the due date, out of the time from its milestone (the
    signing by default) to the due date."""
    share = Case(
        *(
            When(status=status, then=Value(float(value)))
            for status, value in settings.AT_RISK_SHARE_LEFT.items()
            if value
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )
    start = Coalesce("deadline_milestone__date", "agreement__signed_on")
    return Q(
        status__in=OPEN_STATUSES,
        due_on__gte=today,
    ) & Q(
        GreaterThan(
            share * DaysBetween(F("due_on"), start),
            Cast(DaysBetween(F("due_on"), Value(today)), FloatField()),
        )
    )


def last_evidence_at() -> Subquery:
    """When the newest evidence still standing was logged (the evidence_history index)."""
    return Subquery(
        Evidence.objects.filter(commitment_id=OuterRef("pk"), retracted_at__isnull=True)
        .order_by("-logged_at")
        .values("logged_at")[:1]
    )


def stale(now: datetime) -> Q:
    """Open, and no evidence (still standing) logged for settings.STALE_AFTER_DAYS days;
    a commitment with no evidence at all is stale once it is that old."""
    since = now - timedelta(days=settings.STALE_AFTER_DAYS)
    recent = Evidence.objects.filter(
        commitment_id=OuterRef("pk"), retracted_at__isnull=True, logged_at__gte=since
    )
    return Q(status__in=OPEN_STATUSES, created_at__lt=since) & ~Q(Exists(recent))


def blocked() -> Q:
    """Open, with a prerequisite that is flagged overdue."""
    prerequisite_late = OverdueFlag.objects.filter(
        commitment_id=OuterRef("to_commitment_id"), cleared_at__isnull=True
    )
    edges = Commitment.depends_on.through.objects.filter(
        Exists(prerequisite_late), from_commitment_id=OuterRef("pk")
    )
    return Q(status__in=OPEN_STATUSES) & Q(Exists(edges))


def with_warnings(commitments: QuerySet[Commitment], *, today: date, now: datetime):
    """Annotate `is_at_risk`, `is_stale`, `is_blocked` (`is_disputed` is a column)."""
    return commitments.annotate(
        is_at_risk=ExpressionWrapper(at_risk(today), output_field=BooleanField()),
        is_stale=ExpressionWrapper(stale(now), output_field=BooleanField()),
        is_blocked=ExpressionWrapper(blocked(), output_field=BooleanField()),
    )


WARNINGS = {
    "at_risk": "At risk",
    "stale": "Stale",
    "blocked": "Blocked",
    "disputed": "Disputed",
    "extended": "Deadline extended",
}


def warning_filter(name: str, *, today: date, now: datetime) -> Q:
    return {
        "at_risk": lambda: at_risk(today),
        "stale": lambda: stale(now),
        "blocked": blocked,
        "disputed": lambda: Q(is_disputed=True),
        "extended": lambda: Q(original_due_on__isnull=False),
    }[name]()


def commitment_links(commitment: Commitment) -> dict[str, list[Commitment]]:
    """What it depends on (with whether each is overdue) and what depends on it, in one query."""
    through = Commitment.depends_on.through
    related = (
        Commitment.objects.filter(
            Q(pk__in=through.objects.filter(from_commitment=commitment).values("to_commitment"))
            | Q(pk__in=through.objects.filter(to_commitment=commitment).values("from_commitment"))
        )
        .annotate(
            is_overdue=open_overdue_flag(),
            is_prerequisite=Exists(
                through.objects.filter(from_commitment=commitment, to_commitment=OuterRef("pk"))
            ),
        )
        .order_by("sort_key")
    )
    links = {"prerequisites": [], "dependents": []}
    for item in related:
        links["prerequisites" if item.is_prerequisite else "dependents"].append(item)
    return links


# ---------------------------------------------------------------------------------------------
# Overview


def overview_totals(user: User, *, today: date) -> dict:
    """The overview's headline figures, in two queries."""
    commitments = commitments_visible_to(user)
    totals = commitments.aggregate(
        commitments=Count("id"),
        overdue=Count("id", filter=Q(open_overdue_flag())),
        due_soon=Count(
            "id",
            filter=Q(
                status__in=OPEN_STATUSES,
                due_on__gte=today,
                due_on__lte=today + timedelta(days=30),
            ),
        ),
        **score_aggregates(),
    )
    totals["agreements"] = agreements_visible_to(user).count()
    totals["score"] = score_percent(totals.pop("score_points"), totals.pop("scored_count"))
    return totals


@dataclass(frozen=True)
class PartyScore:
    code: str
    name: str
    score: int | None
    commitments: int


def party_scores(agreement_ids: list[int]) -> dict[int, list[PartyScore]]:
    """Score per responsible party, for each of the given agreements, in one query."""
    rows = (
        Commitment.objects.filter(agreement_id__in=agreement_ids, responsible_parties__isnull=False)
        .values("agreement_id", "responsible_parties__code", "responsible_parties__name")
        .annotate(total=Count("id"), **score_aggregates())
        .order_by("agreement_id", "responsible_parties__name")
    )
    scores: dict[int, list[PartyScore]] = {agreement_id: [] for agreement_id in agreement_ids}
    for row in rows:
        scores[row["agreement_id"]].append(
            PartyScore(
                code=row["responsible_parties__code"],
                name=row["responsible_parties__name"],
                score=score_percent(row["score_points"], row["scored_count"]),
                commitments=row["total"],
            )
        )
    return scores


def commitments_overdue(user: User) -> QuerySet[Commitment]:
    """Visible commitments flagged overdue, most overdue (earliest due) first."""
    return (
        commitments_visible_to(user)
        .filter(open_overdue_flag())
        .select_related("agreement")
        .prefetch_related("responsible_parties")
        .order_by("due_on", "agreement__title", "sort_key")
    )


def overdue_by_party(user: User, *, filters: dict) -> QuerySet:
    """One row per (overdue commitment, responsible party), ordered for grouping by agreement,
    then party, then most overdue first. A joint commitment appears under each party."""
    responsibility = Commitment.responsible_parties.through
    rows = responsibility.objects.filter(
        commitment__in=commitments_visible_to(user).filter(open_overdue_flag())
    )
    if "party" in filters:
        rows = rows.filter(party__code=filters["party"])
    if "theme" in filters:
        rows = rows.filter(commitment__theme=filters["theme"])
    if "priority" in filters:
        rows = rows.filter(commitment__priority=filters["priority"])
    return (
        rows.select_related("commitment__agreement", "party")
        .prefetch_related("commitment__responsible_parties")
        .order_by(
            "commitment__agreement__title",
            "commitment__agreement_id",
            "party__name",
            "commitment__due_on",
            "commitment__sort_key",
        )
    )


def commitments_due_between(user: User, *, start: date, end: date) -> QuerySet[Commitment]:
    return (
        commitments_visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_on__gte=start, due_on__lte=end)
        .select_related("agreement")
        .prefetch_related("responsible_parties")
        .order_by("due_on", "sort_key")
    )


def evidence_latest(user: User) -> QuerySet[Evidence]:
    return (
        evidence_visible_to(user)
        .select_related("commitment__agreement", "logged_by")
        .order_by("-logged_at", "-id")
    )


def last_job_run(job: JobName) -> JobRun | None:
    return JobRun.objects.filter(job=job).order_by("-started_at").first()


# ---------------------------------------------------------------------------------------------
# One agreement


def agreement_score(agreement: Agreement) -> dict:
    """Overall score, counts per status and overdue count of one agreement, in one query."""
    totals = Commitment.objects.filter(agreement=agreement).aggregate(**_breakdown_aggregates())
    totals["score"] = score_percent(totals.pop("score_points"), totals.pop("scored_count"))
    return totals


def _breakdown_aggregates() -> dict:
    return {
        "total": Count("id"),
        "overdue": Count("id", filter=Q(open_overdue_flag())),
        **score_aggregates(),
        **{
            f"status_{status.value}": Count("id", filter=Q(status=status))
            for status in CommitmentStatus
        },
    }


PRIORITY_RANK = Case(
    When(priority=Priority.HIGH, then=Value(0)),
    When(priority=Priority.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
COMMITMENT_SORTS = {
    "reference": ["sort_key"],
    "due": [F("due_on").asc(nulls_last=True), "sort_key"],
    "-due": [F("due_on").desc(nulls_last=True), "sort_key"],
    "status": ["status", "sort_key"],
    "priority": ["priority_rank", F("due_on").asc(nulls_last=True), "sort_key"],
    "title": ["title", "sort_key"],
}


def agreement_commitments(
    agreement: Agreement, *, today: date, filters: dict
) -> QuerySet[Commitment]:
    """The agreement page's commitments table, filtered and sorted as the URL asks."""
    commitments = with_warnings(
        Commitment.objects.filter(agreement=agreement)
        .annotate(is_overdue=open_overdue_flag(), priority_rank=PRIORITY_RANK)
        .select_related("deadline_milestone")
        .prefetch_related("responsible_parties"),
        today=today,
        now=timezone.now(),
    )
    commitments = commitments_filtered(commitments, today=today, filters=filters)
    return commitments.order_by(*COMMITMENT_SORTS[filters.get("sort", "reference")])


def commitments_filtered(
    commitments: QuerySet[Commitment], *, today: date, filters: dict
) -> QuerySet[Commitment]:
    """The commitment filters the pages and the API share. `overdue` is "yes"/"no" (the
    open overdue flag); `due_within` is N days: open and due from today to today + N."""
    if "q" in filters:
        text = filters["q"]
        commitments = commitments.filter(
            Q(title__icontains=text) | Q(reference__icontains=text) | Q(description__icontains=text)
        )
    if "agreement" in filters:
        commitments = commitments.filter(agreement__slug=filters["agreement"])
    if "status" in filters:
        commitments = commitments.filter(status=filters["status"])
    if "party" in filters:
        commitments = commitments.filter(responsible_parties__code=filters["party"])
    if "theme" in filters:
        commitments = commitments.filter(theme=filters["theme"])
    if "priority" in filters:
        commitments = commitments.filter(priority=filters["priority"])
    if "overdue" in filters:
        flagged = Q(open_overdue_flag())
        commitments = commitments.filter(flagged if filters["overdue"] == "yes" else ~flagged)
    if "warning" in filters:
        commitments = commitments.filter(
            warning_filter(filters["warning"], today=today, now=timezone.now())
        )
    if "due_within" in filters:
        commitments = commitments.filter(
            status__in=OPEN_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=filters["due_within"]),
        )
    return commitments


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    label: str
    score: int | None
    commitments: int


def agreement_breakdown(agreement: Agreement) -> tuple[dict, list[ThemeScore]]:
    """The agreement's totals (as `agreement_score`) and its score per theme, in one query."""
    rows = list(
        Commitment.objects.filter(agreement=agreement)
        .values("theme")
        .annotate(**_breakdown_aggregates())
        .order_by("theme")
    )
    totals = {key: sum(row[key] or 0 for row in rows) for key in _breakdown_aggregates()}
    totals["score"] = score_percent(totals.pop("score_points"), totals.pop("scored_count"))
    themes = [
        ThemeScore(
            theme=row["theme"],
            label=Theme(row["theme"]).label,
            score=score_percent(row["score_points"], row["scored_count"]),
            commitments=row["total"],
        )
        for row in rows
    ]
    return totals, themes


@dataclass(frozen=True)
class ScorePoint:
    day: date
    score: int


def score_history(agreement: Agreement, current: dict[int, str]) -> list[ScorePoint]:
    """The agreement's score after each day on which a status changed, replayed in one query.

    `current` maps each commitment of the agreement to its status now. Every commitment
    counts from its status before its first recorded change (its current status if it never
    changed), so the first point is the score before any change.
    """
    changes = list(
        StatusChange.objects.filter(commitment__agreement=agreement)
        .order_by("changed_at", "id")
        .values_list("commitment_id", "changed_at", "from_status", "to_status")
    )
    status = dict(current)
    for commitment_id, _, from_status, _ in reversed(changes):
        status[commitment_id] = from_status
    points = [ScorePoint(day=agreement.signed_on, score=_score_of(status.values()) or 0)]
    for commitment_id, changed_at, _, to_status in changes:
        status[commitment_id] = to_status
        point = ScorePoint(day=_local_day(changed_at), score=_score_of(status.values()) or 0)
        if points and points[-1].day == point.day:
            points[-1] = point
        else:
            points.append(point)
    return points


def _score_of(statuses) -> int | None:
    weights = [STATUS_WEIGHTS[s] for s in statuses if STATUS_WEIGHTS[s] is not None]
    return score_percent(sum(weights), len(weights))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


# ---------------------------------------------------------------------------------------------
# Getting data out (issue 6): the calendar feed, the JSON export and the API


def calendar_deadlines(user: User) -> QuerySet[Commitment]:
    """Every visible commitment that has a due date, for the user's calendar feed."""
    return (
        commitments_visible_to(user)
        .filter(due_on__isnull=False)
        .select_related("agreement")
        .prefetch_related("responsible_parties")
        .order_by("due_on", "agreement_id", "sort_key")
    )


def agreement_for_export(agreement: Agreement) -> Agreement:
    """One agreement with everything the import format holds, in a fixed number of queries."""
    evidence = Evidence.objects.select_related("claimed_by").order_by("logged_at", "id")
    changes = StatusChange.objects.select_related("evidence").order_by("changed_at", "id")
    extensions = DeadlineExtension.objects.select_related(
        "previous_milestone", "new_milestone"
    ).order_by("recorded_at", "id")
    commitments = (
        Commitment.objects.select_related("deadline_milestone")
        .prefetch_related(
            "responsible_parties",
            Prefetch("depends_on", queryset=Commitment.objects.order_by("sort_key")),
            Prefetch("evidence", queryset=evidence),
            Prefetch("status_changes", queryset=changes),
            Prefetch("extensions", queryset=extensions),
        )
        .order_by("sort_key")
    )
    return (
        Agreement.objects.filter(pk=agreement.pk)
        .prefetch_related(
            "parties",
            "teams",
            "sources",
            "milestones",
            Prefetch("commitments", queryset=commitments),
        )
        .get()
    )


def api_agreements(user: User, *, today: date) -> QuerySet[Agreement]:
    """The API's agreements: visible ones with their figures, parties and restriction."""
    restricted = Agreement.teams.through.objects.filter(agreement_id=OuterRef("pk"))
    return (
        with_agreement_stats(agreements_visible_to(user), today=today)
        .annotate(is_restricted=Exists(restricted))
        .prefetch_related("parties")
        .order_by("-signed_on", "title", "pk")
    )


def api_commitments(user: User) -> QuerySet[Commitment]:
    """The API's commitments: visible ones with what each row shows, without N+1."""
    return with_warnings(
        commitments_visible_to(user)
        .annotate(is_overdue=open_overdue_flag(), priority_rank=PRIORITY_RANK)
        .select_related("agreement", "deadline_milestone")
        .prefetch_related("responsible_parties", "depends_on"),
        today=timezone.localdate(),
        now=timezone.now(),
    )


def api_evidence(user: User) -> QuerySet[Evidence]:
    return (
        evidence_visible_to(user)
        .select_related("commitment__agreement", "logged_by", "retracted_by", "claimed_by")
        .order_by("-logged_at", "-id")
    )


def api_status_changes(user: User) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(commitment__agreement__in=agreements_visible_to(user))
        .select_related("commitment__agreement", "changed_by")
        .order_by("-changed_at", "-id")
    )
