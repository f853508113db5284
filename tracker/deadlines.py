"""Timeline wording -> due dates. Pure functions: no ORM, no clock.

An editor types the timeline as the agreement words it ("Within 3 months", "by 10 March
2020", "next month", "ongoing"); `parse_timeline` reads it into a `Timeline`, and
`Timeline.due_from(anchor)` counts it from a milestone's date. Months clamp to the end of the
month (31 Jan + 1 month = 28/29 Feb); years are twelve months; weeks are seven days.

Treaties write numbers in words, often with the figure in brackets ("within the first one
hundred thirty-five (135) days"); both are read, and when both are given they must agree.
Working days are Monday to Friday, skipping the holidays the caller passes in.

A wording may name the event it counts from ("after the entry into force", "upon
ratification", "(counted from the start of intra-Afghan negotiations)"): `Timeline.event`
(`deadline_events`). English is read by `deadlines_en`, French by `deadlines_fr`; numbers by
`numbers`, dates by `deadline_dates`. The forms are documented in `docs/deadlines.md`.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from .deadline_dates import month_end as _month_end
from .deadline_dates import read_start
from .deadline_events import event_as_written, read_event, split_note
from .deadline_forms import ACCEPTED_FORMS, EXAMPLE_FORMS, closest_forms
from .recurrence import Recurrence
from .recurrence import period_ends as recurrence_period_ends

__all__ = [
    "ACCEPTED_FORMS", "EXAMPLE_FORMS", "NO_DEADLINE", "Timeline", "TimelineError", "TimelineKind",
    "add_months", "add_working_days", "due_date", "event_as_written", "parse_timeline",
    "period_ends", "read_event",
]  # fmt: skip


class TimelineError(ValueError):
    """Wording the engine cannot read; the message names the closest forms it reads."""

    def __init__(self, wording: str, problem: str = "cannot be read as a deadline"):
        self.wording = wording
        self.problem = problem
        self.closest = closest_forms(wording)
        forms = ", ".join(f"'{form}'" for form in self.closest)
        super().__init__(
            f"“{wording}” {problem}. Write it as one of the closest forms it reads: {forms}."
        )


class TimelineKind(StrEnum):
    NONE = "none"  # ongoing, or no deadline at all
    FIXED = "fixed"  # a calendar date
    OFFSET = "offset"  # counted from a milestone
    PROMPT = "prompt"  # "immediately", "as soon as possible": no fixed date, expected promptly
    RECURRING = "recurring"  # "annually", "quarterly": due at the end of every period


@dataclass(frozen=True)
class Timeline:
    kind: TimelineKind
    fixed_on: date | None = None
    months: int = 0
    days: int = 0
    hours: int = 0
    working_days: int = 0
    to_month_end: bool = False  # "within the same month": the end of the anchor's month
    # The event the wording counts from, in lower case ("entry into force", "ratification");
    # None for the signing, or when the wording names none.
    event: str | None = None
    recurrence: Recurrence | None = None  # RECURRING only

    @property
    def is_relative(self) -> bool:
        """Counted from an event: its due date waits for the event's date."""
        return self.kind in {TimelineKind.OFFSET, TimelineKind.PROMPT, TimelineKind.RECURRING}

    def due_from(
        self,
        anchor: date | None,
        holidays: frozenset[date] = frozenset(),
        *,
        grace_days: int | None = None,
    ) -> date | None:
        """The due date counted from `anchor` (a milestone's date); None when there is none.

        Hours count from the start of the anchor's day (in the site's date) and the due date
        is the day they end on (`due_at` gives the time). Working days skip weekends
        and `holidays`. "Promptly" has a date only when the agreement sets a grace period
        (`grace_days` after the anchor). A recurring timeline is due at the end of its first
        period here; which period is owed depends on the evidence (the services decide).
        """
        if self.kind == TimelineKind.NONE:
            return None
        if self.kind == TimelineKind.FIXED:
            return self.fixed_on
        if anchor is None and not (self.recurrence and self.recurrence.starts_on):
            return None
        if self.kind == TimelineKind.PROMPT:
            return None if grace_days is None else anchor + timedelta(days=grace_days)
        if self.kind == TimelineKind.RECURRING:
            ends = recurrence_period_ends(self.recurrence, anchor, 1)
            return ends[0] if ends else None
        if self.to_month_end:
            return _month_end(anchor)
        if self.working_days:
            return add_working_days(anchor, self.working_days, holidays)
        due = add_months(anchor, self.months) + timedelta(days=self.days)
        return (datetime.combine(due, datetime.min.time()) + timedelta(hours=self.hours)).date()

    def due_at(self, anchor: datetime | None) -> datetime | None:
        """The due time of an hours timeline ("within 48 hours") counted from `anchor`, the
        moment the event happened (time zone kept); None for every other unit, whose due
        date (`due_from`) has no time of day. A bare date counts from its midnight."""
        if self.kind != TimelineKind.OFFSET or not self.hours or anchor is None:
            return None
        if not isinstance(anchor, datetime):
            anchor = datetime.combine(anchor, datetime.min.time())
        return anchor + timedelta(hours=self.hours)

    def describe(self) -> str:
        """How the wording was read, in words: '3 months after the entry into force'."""
        after = self.event or "signing"
        if self.kind == TimelineKind.NONE:
            return "no deadline"
        if self.kind == TimelineKind.FIXED:
            return f"by {self.fixed_on.day} {self.fixed_on:%B %Y}"
        if self.kind == TimelineKind.PROMPT:
            promptly = "no fixed date, expected promptly"
            return promptly if self.event is None else f"{promptly} after the {self.event}"
        if self.kind == TimelineKind.RECURRING:
            text = self.recurrence.describe()
            return text if self.event is None else f"{text}, from the {self.event}"
        if self.to_month_end:
            return f"by the end of the month of the {after}"
        amount = _describe_amount(self)
        if amount:
            return f"{amount} after the {after}"
        # "on the ratification", but "when the request is received"
        return f"when the {after}" if re.search(_CLAUSE, after) else f"on the {after}"


_CLAUSE = r"\b(?:is|are|was|were|has|have|enters|entered)\b"  # an event worded as a clause


def _describe_amount(timeline: Timeline) -> str:
    parts = []
    years, months = divmod(timeline.months, 12)
    weeks, days = divmod(timeline.days, 7) if timeline.days % 7 == 0 else (0, timeline.days)
    for amount, unit in (
        (years, "year"),
        (months, "month"),
        (weeks, "week"),
        (days, "day"),
        (timeline.working_days, "working day"),
        (timeline.hours, "hour"),
    ):
        if amount:
            parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " and ".join(parts)


NO_DEADLINE = Timeline(TimelineKind.NONE)


def period_ends(timeline: Timeline, anchor: date | None, count: int) -> list[date]:
    """The due dates of a recurring timeline's first `count` periods from `anchor`."""
    if timeline.recurrence is None or (anchor is None and timeline.recurrence.starts_on is None):
        return []
    return recurrence_period_ends(timeline.recurrence, anchor, count)


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the last day of the month it lands in."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _month_end(date(year, month, 1)).day))


def add_working_days(start: date, count: int, holidays: frozenset[date] = frozenset()) -> date:
    """The `count`th day after `start` that is Monday to Friday and not in `holidays`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day


def parse_timeline(wording: str) -> Timeline:
    """Read an agreement's timeline wording, English or French. Raises `TimelineError` for
    what it cannot read."""
    text = normalise(wording)
    text, note = split_note(text)
    repeats = _THEN_RE.search(text) or _STARTING_THEN_RE.match(text)
    if repeats and (combined := _read_combined(text, wording)) is not None:
        timeline = combined
    else:
        try:
            timeline = _read_one(text, wording)
        except TimelineError as error:
            timeline = _read_combined(text, wording)
            if timeline is None:
                raise error from None
    if note is not None and timeline.event is None and timeline.kind != TimelineKind.FIXED:
        timeline = replace(timeline, event=read_event(note))
    return timeline


def _read_one(text: str, wording: str) -> Timeline:
    from . import deadlines_en, deadlines_fr  # they build on this module's Timeline

    try:
        return deadlines_en.read(text, wording)
    except TimelineError as english_error:
        timeline = deadlines_fr.read(text, wording)
        if timeline is None:
            raise english_error from None
        return timeline


# "within two years of the entry into force, and every two years thereafter", "dans un délai
# de deux ans à compter de l'entrée en vigueur, et ensuite tous les deux ans": a recurring
# obligation counted from the first part's event.
_THEN_EVERY_RE = re.compile(
    r"^(?P<first>.+?),?\s+(?:and\s+)?(?:then\s+|thereafter\s+|et\s+)?"
    r"(?:ensuite\s+|puis\s+|par la suite\s+)?(?P<every>(?:at least\s+|au moins\s+)?"
    r"(?:every|each|tous|toutes|chaque)\s+.+?)(?:\s+thereafter|\s+par la suite)?$"
)
# "starting in 2027, every two years", "à compter de 1990, et au moins tous les quatre ans
# par la suite": a recurring obligation with its own start.
_STARTING_THEN_RE = re.compile(
    r"^(?P<start>(?:starting|beginning|commencing|from|as from|[àa] compter d[eu]|"
    r"[àa] partir d[eu]|dès)\s+.+?),\s*(?:and\s+|et\s+)?(?P<every>(?:at least\s+|au moins\s+)?"
    r"(?:every|each|tous|toutes|chaque)\s+.+?)(?:\s+thereafter|\s+par la suite)?$"
)


_THEN_RE = re.compile(r"\b(?:then|thereafter|ensuite|puis|par la suite)\b")


def _read_combined(text: str, wording: str) -> Timeline | None:
    """A start or a first deadline followed by a repetition; None when it is neither."""
    try:
        if match := _STARTING_THEN_RE.match(text):
            return _starting_then(match, wording)
        if match := _THEN_EVERY_RE.match(text):
            return _then_every(match, wording)
    except TimelineError:
        return None
    return None


def _then_every(match: re.Match, wording: str) -> Timeline:
    first = _read_one(match["first"], wording)
    recurring = _read_one(match["every"], wording)
    if recurring.kind != TimelineKind.RECURRING or first.kind != TimelineKind.OFFSET:
        raise TimelineError(wording, "names a first deadline and a repetition it cannot read")
    return replace(recurring, event=recurring.event or first.event)


def _starting_then(match: re.Match, wording: str) -> Timeline:
    recurring = _read_one(match["every"], wording)
    if recurring.kind != TimelineKind.RECURRING or recurring.recurrence.starts_on:
        raise TimelineError(wording, "names a start and a repetition it cannot read")
    start_words = re.sub(
        r"^(?:starting|beginning|commencing|from|as from|[àa] compter d[eu]|[àa] partir d[eu]|dès)"
        r"\s+(?:in\s+|on\s+|en\s+|le\s+|l')?",
        "",
        match["start"],
    )
    starts_on = read_start(start_words)
    if starts_on is None:
        return replace(recurring, event=read_event(start_words))
    return replace(recurring, recurrence=replace(recurring.recurrence, starts_on=starts_on))


def due_date(
    wording: str, anchor: date | None, holidays: frozenset[date] = frozenset()
) -> date | None:
    """The due date of `wording` counted from `anchor`; raises `TimelineError`.

    `holidays` are the dates working days skip besides weekends.
    """
    return parse_timeline(wording).due_from(anchor, holidays)


def normalise(wording: str) -> str:
    text = unicodedata.normalize("NFC", wording).strip().lower()
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")
    text = re.sub(r"[\u2010-\u2014]", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".;:,").strip()


MAX_MONTHS = 100 * 12
MAX_DAYS = 100 * 366
UNITS = {  # (months, days) per unit; hours and working days are counted apart
    "day": (0, 1),
    "calendar day": (0, 1),
    "week": (0, 7),
    "fortnight": (0, 14),
    "month": (1, 0),
    "year": (12, 0),
}


def make_offset(amount: int, unit: str, wording: str, event: str | None = None) -> Timeline:
    """`amount` of `unit` ('hour', 'working day', 'day', 'week', 'month', 'year'…) after
    `event`; refused beyond a hundred years."""
    if amount <= 0:
        raise TimelineError(wording, "needs a period of at least one day")
    unit = unit.replace("-", " ")
    if unit == "hour":
        if amount > MAX_DAYS * 24:
            raise TimelineError(wording, "reaches more than a hundred years ahead")
        return Timeline(TimelineKind.OFFSET, hours=amount, event=event)
    if unit in {"working day", "business day"}:
        if amount > MAX_DAYS:
            raise TimelineError(wording, "reaches more than a hundred years ahead")
        return Timeline(TimelineKind.OFFSET, working_days=amount, event=event)
    months_per, days_per = UNITS[unit]
    months, days = amount * months_per, amount * days_per
    if months > MAX_MONTHS or days > MAX_DAYS:
        raise TimelineError(wording, "reaches more than a hundred years ahead")
    return Timeline(TimelineKind.OFFSET, months=months, days=days, event=event)


def check_number(value: int | None, word: str, bracket_value: int | None, bracket: str | None,
                 wording: str) -> int:  # fmt: skip
    """The amount written as `word` (and `bracket`), refused when unreadable or they differ."""
    if value is None:
        raise TimelineError(wording, f"has “{word}” where a number should be")
    if bracket is not None and bracket_value != value:
        written = "in figures" if bracket[0].isdigit() else "in words"
        raise TimelineError(wording, f"says “{word}” but ({bracket}) {written}")
    return value
