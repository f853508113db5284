"""SQL expressions the reads share: the overdue flag, the score, the early warnings, the
commitment filters' sorts, and per-agreement figures as subqueries."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from ..db import AtRisk, Blocked, FlaggedOverdue, Stale
from ..models import (
    Agreement,
    Commitment,
    Evidence,
)
from ..models.commitments import (
    MAX_WEIGHT,
    OPEN_STATUSES,
    STATUS_WEIGHTS,
    Priority,
)


def open_overdue_flag(commitment_ref: str = "pk", *, probe: bool = False) -> FlaggedOverdue:
    """Annotation: the commitment is flagged overdue now (by the last scan).

    `probe=True` for a query that tests a page or a few hundred commitments (a paginated
    list's annotation, a digest's OR of sections): there PostgreSQL would rather read and
    hash every open flag in the database (tens of thousands) than look up each
    commitment's in the index, and its estimate is wrong by far. A second, redundant
    comparison with the outer row (`<=` cannot be hashed) keeps it to the index lookup.
    """
    return FlaggedOverdue(F(commitment_ref), probe=probe)


def status_weight(prefix: str = "") -> Case:
    """The status's points on the 0–3 scale (`STATUS_WEIGHTS`)."""
    return Case(
        *(
            When(**{f"{prefix}status": status}, then=Value(weight))
            for status, weight in STATUS_WEIGHTS.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def score_aggregates(prefix: str = "") -> dict:
    """Aggregates giving `score_points` and `scored_count` over commitments at `prefix`:
    every commitment is scored, an abandoned one at 0."""
    return {
        "score_points": Sum(status_weight(prefix)),
        "scored_count": Count(f"{prefix}id" if prefix else "id"),
    }


def score_percent(points: int | None, count: int | None) -> int | None:
    """Implementation score in percent: points over 3 × the scored commitments (all of them)."""
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


def next_due_on(today: date) -> Subquery:
    """Per agreement row: the earliest due date, from today on, of its open commitments."""
    open_due = Commitment.objects.filter(status__in=OPEN_STATUSES, due_on__gte=today)
    return _per_agreement(open_due, due=Min("due_on"))


def with_agreement_stats(agreements: QuerySet[Agreement], *, today: date) -> QuerySet[Agreement]:
    """Annotate each agreement with its next due date and `score_value` (for sorting); the
    counts and the score are kept on the row (by the triggers of migration 0015)."""
    return agreements.annotate(
        next_due_on=next_due_on(today),
        score_value=Cast(F("score_points"), FloatField())
        * 100
        / (MAX_WEIGHT * NullIf(F("scored_count"), 0)),
    )


# Early warnings: at risk, stale, blocked (disputed is kept on the row by services).


def _at_risk(today: date) -> AtRisk:
    shares = {
        str(status): float(value) for status, value in settings.AT_RISK_SHARE_LEFT.items() if value
    }
    start = Coalesce("deadline_milestone__date", "agreement__signed_on")
    return AtRisk(
        F("status"), F("due_on"), start, today=today, shares=shares, open_statuses=OPEN_STATUSES
    )


def at_risk(today: date) -> Q:
    """Open, not yet due, and less of its time left than its status allows
    (settings.AT_RISK_SHARE_LEFT): the pace will miss the deadline.

    Time left is counted from today to the due date, out of the time from its milestone (the
    signing by default) to the due date. A commitment without a due date is not at risk:
    false rather than NULL, so that the annotation is a boolean, as the API's schema says."""
    return Q(_at_risk(today))


def last_evidence_at() -> Subquery:
    """When the newest evidence still standing was logged (the evidence_history index)."""
    return Subquery(
        Evidence.objects.filter(commitment_id=OuterRef("pk"), retracted_at__isnull=True)
        .order_by("-logged_at")
        .values("logged_at")[:1]
    )


def _stale(now: datetime) -> Stale:
    since = now - timedelta(days=settings.STALE_AFTER_DAYS)
    return Stale(F("pk"), F("status"), F("created_at"), since=since, open_statuses=OPEN_STATUSES)


def stale(now: datetime) -> Q:
    """Open, and no evidence (still standing) logged for settings.STALE_AFTER_DAYS days;
    a commitment with no evidence at all is stale once it is that old."""
    return Q(_stale(now))


def _blocked() -> Blocked:
    return Blocked(F("pk"), F("status"), open_statuses=OPEN_STATUSES)


def blocked() -> Q:
    """Open, with a prerequisite that is flagged overdue."""
    return Q(_blocked())


def with_warnings(commitments: QuerySet[Commitment], *, today: date, now: datetime):
    """Annotate `is_at_risk`, `is_stale`, `is_blocked` (`is_disputed` is a column)."""
    return commitments.annotate(
        is_at_risk=_at_risk(today), is_stale=_stale(now), is_blocked=_blocked()
    )


def warnings_read(
    commitment: Commitment, *, today: date, now: datetime, evidence: list, prerequisites: list
) -> dict[str, bool]:
    """`with_warnings`' three flags for one commitment whose page has read already what they
    ask about: every piece of its evidence, and its prerequisites with `is_overdue`
    (`commitment_links`), and its agreement and deadline milestone. Three subqueries cost
    the commitment page more to build and compile than the rest of its query. The SQL
    above owns the rules (the filters and the lists use it); this follows it line for line
    (a missing start of the time counts as not at risk, as SQL's NULL does), and
    tests/views/test_early_warnings.py proves that the two agree."""
    is_open = commitment.status in OPEN_STATUSES
    milestone = commitment.deadline_milestone
    start = (milestone.date if milestone else None) or commitment.agreement.signed_on
    due = commitment.due_on
    share = float(settings.AT_RISK_SHARE_LEFT.get(commitment.status) or 0.0)
    since = now - timedelta(days=settings.STALE_AFTER_DAYS)
    return {
        "is_at_risk": bool(
            is_open
            and due is not None
            and due >= today
            and start is not None
            and share * (due - start).days > float((due - today).days)
        ),
        "is_stale": is_open
        and commitment.created_at < since
        and not any(item.retracted_at is None and item.logged_at >= since for item in evidence),
        "is_blocked": is_open and any(item.is_overdue for item in prerequisites),
    }


WARNINGS = {
    "at_risk": _("At risk"),
    "stale": _("Stale"),
    "blocked": _("Blocked"),
    "disputed": _("Disputed"),
    "extended": _("Deadline extended"),
}


def warning_filter(name: str, *, today: date, now: datetime) -> Q:
    return {
        "at_risk": lambda: at_risk(today),
        "stale": lambda: stale(now),
        "blocked": blocked,
        "disputed": lambda: Q(is_disputed=True),
        "extended": lambda: Q(original_due_on__isnull=False),
    }[name]()


PRIORITY_RANK = Case(
    When(priority=Priority.HIGH, then=Value(0)),
    When(priority=Priority.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
