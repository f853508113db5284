"""Recurring obligations: their reading and their periods. Pure functions: no ORM, no clock.

"Annually", "every six months", "quarterly", "monthly meetings", "each year on 1 March",
"every two years starting in 2027", "regular consultations". A recurring commitment owes
something in every period; each period is due on its last day.

The periods follow the calendar when the interval divides a year or is a whole number of
years (monthly: calendar months; quarterly: Q1-Q4; every six months: H1/H2; annually: calendar
years; every two years: two-year blocks starting with the first period's year). Other
intervals (weeks, days, five months) are equal steps from the start. The first period starts
on the anchor (the signing, the event counted from, or an explicit start) and ends with the
calendar period that holds it, unless less than half of that period is left, in which case it
runs on to the end of the next one: a quarterly report is never due six weeks after signing.
"Each year on 1 March" is due every 1 March, the first at least six months after the start.
A recurrence with no interval ("regular consultations") has no periods: it is shown as
recurring and never flagged.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

_CALENDAR_STEPS = {1, 2, 3, 4, 6}


@dataclass(frozen=True)
class Recurrence:
    months: int = 0  # the interval in months (1 monthly, 3 quarterly, 12 annually)
    days: int = 0  # the interval in days, when it is not in months (weeks are 7 days)
    on_month: int | None = None  # "each year on 1 March": the month and day it is due
    on_day: int | None = None
    starts_on: date | None = None  # an explicit start ("starting in 2027")

    @property
    def has_interval(self) -> bool:
        return bool(self.months or self.days or self.on_month)

    @property
    def is_calendar(self) -> bool:
        return self.months in _CALENDAR_STEPS or (self.months > 0 and self.months % 12 == 0)

    def describe(self) -> str:
        """'every 3 months (quarterly)', 'each year on 1 March', 'regularly, no fixed interval'."""
        if self.on_month:
            text = f"each year on {self.on_day} {calendar.month_name[self.on_month]}"
        elif self.months:
            whole_years = self.months % 12 == 0
            text = (
                _every(self.months // 12, "year") if whole_years else _every(self.months, "month")
            )
            name = {1: "monthly", 3: "quarterly", 6: "twice a year", 12: "annually"}.get(
                self.months
            )
            if name:
                text += f" ({name})"
        elif self.days:
            text = (
                _every(self.days // 7, "week") if self.days % 7 == 0 else _every(self.days, "day")
            )
        else:
            return "regularly, with no fixed interval"
        if self.starts_on:
            text += f", starting {self.starts_on.day} {self.starts_on:%B %Y}"
        return text


def _every(amount: int, unit: str) -> str:
    return f"every {unit}" if amount == 1 else f"every {amount} {unit}s"


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date  # the day it is due
    label: str  # "Q3 2027", "March 2027", "2027", "H2 2027", "1 March 2028"

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def periods(recurrence: Recurrence, anchor: date) -> Iterator[Period]:
    """The periods of `recurrence` from `anchor` on (or from its own start), without end.

    Callers bound it (`islice`, or stop at a date); a recurrence with no interval yields none.
    """
    start = recurrence.starts_on or anchor
    if recurrence.on_month:
        yield from _yearly_on(recurrence.on_month, recurrence.on_day or 1, start)
    elif recurrence.is_calendar:
        yield from _calendar_periods(recurrence.months, start)
    elif recurrence.months or recurrence.days:
        yield from _steps(recurrence, start)


def period_ends(recurrence: Recurrence, anchor: date, count: int) -> list[date]:
    """The due dates of the first `count` periods."""
    return [period.ends_on for period in islice(periods(recurrence, anchor), count)]


def _block(day: date, months: int) -> tuple[date, date]:
    """The calendar block of `months` (a divisor of 12, or whole years) holding `day`."""
    if months % 12 == 0:
        return date(day.year, 1, 1), date(day.year + months // 12 - 1, 12, 31)
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return (
        date(day.year, first_month, 1),
        date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
    )


def _calendar_periods(months: int, start: date) -> Iterator[Period]:
    block_start, block_end = _block(start, months)
    left, length = (block_end - start).days + 1, (block_end - block_start).days + 1
    if 2 * left < length:
        block_start, block_end = _block(block_end + timedelta(days=1), months)
    yield Period(start, block_end, _calendar_label(block_start, block_end, months))
    while True:
        block_start, block_end = _block(block_end + timedelta(days=1), months)
        yield Period(block_start, block_end, _calendar_label(block_start, block_end, months))


def _calendar_label(block_start: date, block_end: date, months: int) -> str:
    if months == 1:
        return f"{block_start:%B %Y}"
    if months == 3:
        return f"Q{(block_start.month - 1) // 3 + 1} {block_start.year}"
    if months == 6:
        return f"H{(block_start.month - 1) // 6 + 1} {block_start.year}"
    if months == 12:
        return str(block_start.year)
    if months % 12 == 0:
        return f"{block_start.year}–{block_end.year}"
    return f"{block_start:%b}–{block_end:%b} {block_start.year}"


def _steps(recurrence: Recurrence, start: date) -> Iterator[Period]:
    from .deadlines import add_months  # the one month arithmetic (clamped at month ends)

    index = 0
    while True:
        if recurrence.months:
            begins = add_months(start, index * recurrence.months)
            following = add_months(start, (index + 1) * recurrence.months)
        else:
            begins = start + timedelta(days=index * recurrence.days)
            following = begins + timedelta(days=recurrence.days)
        ends = following - timedelta(days=1)
        yield Period(begins, ends, f"{_day(begins)} – {_day(ends)}")
        index += 1


def _yearly_on(month: int, day: int, start: date) -> Iterator[Period]:
    from .deadlines import add_months

    earliest = add_months(start, 6)
    year = earliest.year
    due = _clamped(year, month, day)
    if due < earliest:
        year += 1
        due = _clamped(year, month, day)
    begins = start
    while True:
        yield Period(begins, due, _day(due))
        begins, year = due + timedelta(days=1), year + 1
        due = _clamped(year, month, day)


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
