"""Recurring commitments: what meets a period, and the series a commitment page shows.

A period is met by something dated inside it:
- a piece of evidence still standing (not retracted) that shows progress; a setback ("the
  meeting was cancelled") or mere context does not meet it. Its date is when it happened
  (`occurred_on`), else its source's date, else the day it was logged (site time zone);
- a status change to in progress, partially implemented or implemented, dated when it was
  made (site time zone).

`evidence_day` and `_EVIDENCE_DAY` say the same thing, for a row and in SQL;
`tests/services/test_recurring.py` holds them together.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Max
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .. import series
from ..models import Commitment, CommitmentStatus, Evidence, StatusChange
from ..models.evidence import Stance

MEETING_STANCES = (Stance.PROGRESS,)
MEETING_STATUSES = (
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.PARTIAL,
    CommitmentStatus.IMPLEMENTED,
)
# The periods a commitment page shows: the last ones started, then the next.
SERIES_PERIODS = 8

_EVIDENCE_DAY = Coalesce("occurred_on", "source_date", TruncDate("logged_at"))


def evidence_day(evidence: Evidence) -> date:
    """The day a piece of evidence is dated for the periods it may meet."""
    logged_on = timezone.localtime(evidence.logged_at).date()
    return evidence.occurred_on or evidence.source_date or logged_on


def evidence_meets(evidence: Evidence) -> bool:
    return evidence.retracted_at is None and evidence.stance in MEETING_STANCES


def recurring_latest_met(commitment_ids: Iterable[int]) -> dict[int, date]:
    """The latest day anything met a period of each of these commitments, in two queries
    (one aggregate over their evidence, one over their status changes)."""
    ids = list(commitment_ids)
    if not ids:
        return {}
    latest: dict[int, date] = {}
    evidence = (
        Evidence.objects.filter(
            commitment_id__in=ids, retracted_at__isnull=True, stance__in=MEETING_STANCES
        )
        .values("commitment_id")
        .annotate(day=Max(_EVIDENCE_DAY))
        .order_by()
    )
    changes = (
        StatusChange.objects.filter(commitment_id__in=ids, to_status__in=MEETING_STATUSES)
        .values("commitment_id")
        .annotate(day=Max(TruncDate("changed_at")))
        .order_by()
    )
    for row in [*evidence, *changes]:
        key, day = row["commitment_id"], row["day"]
        if day is not None and (key not in latest or day > latest[key]):
            latest[key] = day
    return latest


def commitment_anchor(commitment: Commitment) -> date | None:
    """The day a commitment's timeline counts from: its milestone's, else the signing."""
    milestone = commitment.deadline_milestone
    return milestone.date if milestone is not None else commitment.agreement.signed_on


def commitment_series(
    commitment: Commitment,
    *,
    evidence: Iterable[Evidence],
    changes: Iterable[StatusChange],
    today: date,
    count: int = SERIES_PERIODS,
) -> list[series.SeriesPeriod]:
    """The commitment page's series: its last `count` periods begun and the next, each met
    (with what met it: `("evidence", Evidence)` or `("status", StatusChange)` pairs), missed,
    current or upcoming. No query of its own: it reads the
    evidence and status changes the page has already loaded."""
    recurrence = series.recurrence_with_periods(commitment.timeline_wording)
    if recurrence is None:
        return []
    met_by = [(evidence_day(item), ("evidence", item)) for item in evidence if evidence_meets(item)]
    met_by += [
        (timezone.localtime(change.changed_at).date(), ("status", change))
        for change in changes
        if change.to_status in MEETING_STATUSES
    ]
    return series.series(
        recurrence, commitment_anchor(commitment), today=today, met_by=met_by, count=count
    )


def commitment_period_label(commitment: Commitment, day: date | None) -> str:
    """The name of a recurring commitment's period due on `day` ("Q3 2027"): for its due date,
    the period it owes; for an overdue flag's due date, the period that flag is about. ""
    for any other commitment. Reads the agreement and milestone: select them with it."""
    if day is None or not commitment.timeline_wording:
        return ""
    return series.owed_label(commitment.timeline_wording, commitment_anchor(commitment), day)


def recurring_reading(commitment: Commitment) -> str:
    """How a recurring wording was read ("every 3 months (quarterly)"); "" for any other."""
    timeline = series.recurring_timeline(commitment.timeline_wording)
    return timeline.describe() if timeline is not None else ""


def commitment_recent_periods(commitment: Commitment, *, today: date) -> list:
    """The API detail's series (`commitment_series`), reading the evidence and status changes
    that can meet a period in two queries; none for a commitment that is not recurring."""
    if series.recurrence_with_periods(commitment.timeline_wording) is None:
        return []
    evidence = commitment.evidence.filter(retracted_at__isnull=True, stance__in=MEETING_STANCES)
    changes = commitment.status_changes.filter(to_status__in=MEETING_STATUSES)
    return commitment_series(commitment, evidence=evidence, changes=changes, today=today)


def with_periods(commitments: list[Commitment]) -> list[Commitment]:
    """Set `period` on each commitment of a list: the name of the period it owes when it is
    recurring ("Q2 2026"), else "". No query: the list selected the agreement and milestone."""
    for commitment in commitments:
        commitment.period = commitment_period_label(commitment, commitment.due_on)
    return commitments
