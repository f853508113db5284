"""A recurring commitment's periods read against what was recorded: which period is owed,
what the period ending on a date is called, and the recent series. Pure: no ORM, no clock.

The periods themselves come from the engine (`recurrence.periods`); this module only walks
them, never more than `MAX_PERIODS` of them: a century of weekly periods.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import islice

from .deadlines import Timeline, TimelineError, TimelineKind, parse_timeline
from .recurrence import Period, Recurrence, periods

MAX_PERIODS = 5_300


@lru_cache(maxsize=4096)
def recurring_timeline(wording: str) -> Timeline | None:
    """The wording's timeline when it is recurring ("annually", and "regular" too, which has
    no periods); None otherwise, or when it cannot be read."""
    try:
        timeline = parse_timeline(wording)
    except TimelineError:
        return None
    return timeline if timeline.kind == TimelineKind.RECURRING else None


def recurrence_with_periods(wording: str) -> Recurrence | None:
    """The recurrence of a wording that has periods ("quarterly"); None for anything else,
    "regular consultations" included."""
    timeline = recurring_timeline(wording)
    if timeline is None or not timeline.recurrence.has_interval:
        return None
    return timeline.recurrence


def _walk(recurrence: Recurrence, anchor: date | None) -> Iterator[Period]:
    if anchor is None and recurrence.starts_on is None:
        return iter(())  # counted from an event that has no date yet: pending
    return islice(periods(recurrence, anchor), MAX_PERIODS)


def owed_period(
    recurrence: Recurrence, anchor: date | None, latest_met: date | None
) -> Period | None:
    """The period after the latest one met (the one holding `latest_met`), or the first when
    none is: the first period starting after `latest_met`. Past `MAX_PERIODS` periods, the
    last of them."""
    last = None
    for period in _walk(recurrence, anchor):
        if latest_met is None or period.starts_on > latest_met:
            return period
        last = period
    return last


def period_ending(recurrence: Recurrence, anchor: date | None, day: date) -> Period | None:
    """The period due on `day` (its last day), or None when no period ends that day."""
    for period in _walk(recurrence, anchor):
        if period.ends_on >= day:
            return period if period.ends_on == day else None
    return None


def owed_label(wording: str, anchor: date | None, due_on: date | None) -> str:
    """The name of the period due on `due_on` ("Q3 2027") for a recurring wording; "" for
    any other wording, or a date that ends no period."""
    recurrence = recurrence_with_periods(wording)
    if recurrence is None or due_on is None:
        return ""
    period = period_ending(recurrence, anchor, due_on)
    return period.label if period is not None else ""


class PeriodState(StrEnum):
    MET = "met"  # something dated inside it shows it done
    MISSED = "missed"  # it ended with nothing
    CURRENT = "current"  # it holds today, nothing recorded yet
    UPCOMING = "upcoming"  # it starts after today


@dataclass
class SeriesPeriod:
    period: Period
    state: PeriodState
    items: list = field(default_factory=list)  # what met it, oldest first


def series(
    recurrence: Recurrence,
    anchor: date | None,
    *,
    today: date,
    met_by: Iterable[tuple[date, object]],
    count: int,
) -> list[SeriesPeriod]:
    """The last `count` periods that have started by `today`, then the next one, each with
    its state and the items (dated `(day, item)` pairs, in any order) dated inside it."""
    started: list[Period] = []
    upcoming = None
    for period in _walk(recurrence, anchor):
        if period.starts_on > today:
            upcoming = period
            break
        started.append(period)
    shown = started[-count:] + ([upcoming] if upcoming else [])
    if not shown:
        return []
    result = [SeriesPeriod(period, PeriodState.UPCOMING) for period in shown]
    for day, item in sorted(met_by, key=lambda pair: pair[0]):
        for entry in result:
            if entry.period.holds(day):
                entry.items.append(item)
                break
    for entry in result:
        if entry.items:
            entry.state = PeriodState.MET
        elif entry.period.ends_on < today:
            entry.state = PeriodState.MISSED
        elif entry.period.starts_on <= today:
            entry.state = PeriodState.CURRENT
    return result
