"""Timeline wording -> due dates. Pure functions: no ORM, no clock.

An editor types the timeline as the agreement words it ("Within 3 months", "by 10 March
2020", "next month", "ongoing"); `parse_timeline` reads it into a `Timeline`, and
`Timeline.due_from(anchor)` counts it from a milestone's date. Months clamp to the end of the
month (31 Jan + 1 month = 28/29 Feb); years are twelve months; weeks are seven days.

Treaties write numbers in words, often with the figure in brackets ("within the first one
hundred thirty-five (135) days"); both are read, and when both are given they must agree.
Working days are Monday to Friday, skipping the holidays the caller passes in.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .recurrence import Recurrence
from .recurrence import period_ends as recurrence_period_ends

ACCEPTED_FORMS = (
    "'within 3 months', 'within 135 days', 'within two weeks', 'within a year', "
    "'within fourteen (14) months', 'within the first one hundred thirty-five (135) days', "
    "'not later than 30 days after signing', 'within a period not exceeding four months', "
    "'within 48 hours', 'within ten working days', '3 months after signing', 'next month', "
    "'within the same month', 'by 10 March 2020', 'by March 10, 2020', 'by 2020-03-10', "
    "'by the end of March 2020', 'by the end of the first quarter of 2027', 'by mid-2027', "
    "'immediately', or leave it empty (or 'ongoing') for no deadline"
)


class TimelineError(ValueError):
    """Wording the engine cannot read; the message lists the forms it accepts."""

    def __init__(self, wording: str, problem: str = "cannot be read as a deadline"):
        self.wording = wording
        super().__init__(f"“{wording}” {problem}. Write it as one of: {ACCEPTED_FORMS}.")


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
        is the day they end on; the time of day is not kept yet. Working days skip weekends
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

    def describe(self) -> str:
        """How the wording was read, in words: '3 months after the entry into force'."""
        after = self.event or "signing"
        if self.kind == TimelineKind.NONE:
            return "no deadline"
        if self.kind == TimelineKind.FIXED:
            return f"by {self.fixed_on.day} {self.fixed_on:%B %Y}"
        if self.kind == TimelineKind.PROMPT:
            return "no fixed date, expected promptly"
        if self.kind == TimelineKind.RECURRING:
            text = self.recurrence.describe()
            return text if self.event is None else f"{text}, from the {self.event}"
        if self.to_month_end:
            return f"by the end of the month of the {after}"
        amount = _describe_amount(self)
        return f"{amount} after the {after}" if amount else f"on the {after}"


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
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_working_days(start: date, count: int, holidays: frozenset[date] = frozenset()) -> date:
    """The `count`th day after `start` that is Monday to Friday and not in `holidays`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


_UNITS = {  # (months, days) per unit; hours and working days are counted apart
    "day": (0, 1),
    "calendar day": (0, 1),
    "week": (0, 7),
    "fortnight": (0, 14),
    "month": (1, 0),
    "year": (12, 0),
}
_SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_PROMPT_WORDS = {
    "immediately", "immediate", "at once", "as soon as possible", "asap", "without delay",
    "forthwith", "promptly", "at the earliest opportunity", "as early as possible",
    "without undue delay", "as soon as practicable", "expeditiously",
}  # fmt: skip
# "Upon signing", "on the entry into force": due on the event's day itself.
_ON_EVENT_RE = re.compile(r"^(?:upon|on|at|from|with effect from|as of)\s+(?P<event>.+)$")
_RECURRING_WORDS = {  # wording -> (months, days)
    "annually": (12, 0), "annual": (12, 0), "yearly": (12, 0), "every year": (12, 0),
    "each year": (12, 0), "once a year": (12, 0), "once every year": (12, 0),
    "quarterly": (3, 0), "every quarter": (3, 0), "each quarter": (3, 0),
    "monthly": (1, 0), "every month": (1, 0), "each month": (1, 0), "once a month": (1, 0),
    "biannually": (6, 0), "semi-annually": (6, 0), "semiannually": (6, 0),
    "twice a year": (6, 0), "half-yearly": (6, 0), "biennially": (24, 0),
    "weekly": (0, 7), "every week": (0, 7), "fortnightly": (0, 14),
    "regular": (0, 0), "regularly": (0, 0), "periodic": (0, 0), "periodically": (0, 0),
}  # fmt: skip
_EVERY_RE = re.compile(
    r"^(?:once\s+)?every\s+(?P<number>[a-z0-9-]+(?:\s+\([0-9]+\))?)\s+"
    r"(?P<unit>day|week|month|year)s?(?P<rest>.*)$"
)
_ON_DAY_RE = re.compile(
    r"^(?:each|every)\s+year\s+on\s+(?P<day>\d{1,2})\s+(?P<month>[a-z]+)(?P<rest>.*)$"
)
_STARTING_RE = re.compile(
    r"^,?\s*(?:starting|beginning|commencing|from)\s+(?:in\s+|on\s+)?(?P<start>.+)$"
)
_NONE_WORDS = {
    "", "ongoing", "on-going", "continuous", "continuing", "permanent", "indefinite",
    "no deadline", "none", "n/a", "not applicable", "-", "—", "tbd", "to be determined",
}  # fmt: skip
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_SCALES = {"hundred": 100, "thousand": 1000}
_ORDINALS = {
    "first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
    "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
    "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen",
    "fourteenth": "fourteen", "fifteenth": "fifteen", "sixteenth": "sixteen",
    "seventeenth": "seventeen", "eighteenth": "eighteen", "nineteenth": "nineteen",
    "twentieth": "twenty", "thirtieth": "thirty", "fortieth": "forty", "fiftieth": "fifty",
    "sixtieth": "sixty", "seventieth": "seventy", "eightieth": "eighty",
    "ninetieth": "ninety", "hundredth": "hundred", "thousandth": "thousand",
}  # fmt: skip
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4, "final": 4}
_SAME_MONTH_WORDS = {
    "within the same month", "in the same month", "by the end of the same month",
    "within the same calendar month", "before the end of the same month",
}  # fmt: skip

_WORD = "|".join(
    sorted([*_SMALL_NUMBERS, *_TENS, *_SCALES, *_ORDINALS, "and"], key=len, reverse=True)
)
_WORDS = rf"(?:{_WORD})(?:(?:-|\s+)(?:{_WORD}))*"
_FIGURE = r"\d{1,3}(?:,\d{3})+|\d{1,5}"
_NUMBER = (
    rf"(?P<number>{_WORDS}|(?:{_FIGURE})(?:st|nd|rd|th)?)\b"
    rf"(?:\s*\((?P<bracket>{_FIGURE}|{_WORDS})\))?"
)
_UNIT = r"(?P<unit>hour|(?:working|business|calendar)[ -]day|day|week|fortnight|month|year)s?"
_TAIL = (
    r"(?:\s+(?P<connector>of|after|from|following|since|upon|once|as of|counting from|"
    r"beginning|starting|with effect from|have elapsed|has elapsed)\b(?P<event>.*))?"
)
_PREFIX = (
    r"(?:(?:within|in|after|during|for|over|on|at|no later than|not later than|not exceeding|"
    r"not more than|prior to|before|by|upon|at the end of|upon(?: the)? expiry of|"
    r"upon(?: the)? expiration of|at the latest)\s+)*"
    r"(?:the\s+)?(?:(?:a\s+)?(?:maximum\s+)?(?:period|maximum)\s+(?:of\s+)?"
    r"(?:not\s+exceeding\s+|not\s+more\s+than\s+|up\s+to\s+)?)?(?:the\s+)?(?:first\s+)?"
)
_OFFSET_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s+{_UNIT}{_TAIL}$")
_NEXT_RE = re.compile(rf"^(?:by\s+|within\s+|in\s+)?(?:the\s+)?next\s+{_UNIT}{_TAIL}$")
_FIXED_PREFIX_RE = re.compile(
    r"^(?:by|before|on|no later than|not later than|prior to|until|at the latest by|"
    r"deadline:?|due:?)\s+(?P<rest>.+)$"
)
_END_OF_RE = re.compile(r"^(?:the\s+)?end\s+of\s+(?:(?P<month>[a-z]+)\s+)?(?P<year>\d{4})$")
_QUARTER_RE = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<quarter>[a-z]+)\s+quarter\s+(?:of\s+)?(?P<year>\d{4})$"
    r"|^(?:the\s+)?end\s+of\s+q(?P<q>[1-4])\s+(?P<qyear>\d{4})$"
)
_MID_RE = re.compile(r"^(?:mid[- ]?|(?:the\s+)?middle\s+of\s+)(?P<year>\d{4})$")


def parse_timeline(wording: str) -> Timeline:
    """Read an agreement's timeline wording. Raises `TimelineError` for what it cannot read."""
    text = _normalise(wording)
    if text in _NONE_WORDS:
        return NO_DEADLINE
    if text in _PROMPT_WORDS:
        return Timeline(TimelineKind.PROMPT)
    if text in _SAME_MONTH_WORDS:
        return Timeline(TimelineKind.OFFSET, to_month_end=True)
    if (recurring := _read_recurring(text, wording)) is not None:
        return recurring
    if match := _NEXT_RE.match(text):
        return _with_event(_offset(1, match["unit"], wording), match)
    if match := _OFFSET_RE.match(text):
        amount = _read_number(match["number"], match["bracket"], wording)
        return _with_event(_offset(amount, match["unit"], wording), match)
    if (match := _ON_EVENT_RE.match(text)) and _read_date(match["event"]) is None:
        return Timeline(TimelineKind.OFFSET, event=_event(match["event"]))
    rest = match["rest"] if (match := _FIXED_PREFIX_RE.match(text)) else text
    fixed = _read_date(rest)
    if fixed is None:
        raise TimelineError(wording)
    return Timeline(TimelineKind.FIXED, fixed_on=fixed)


_SIGNING_WORDS = {
    "", "signing", "signature", "its signature", "its signing", "signing of this agreement",
    "signature of this agreement", "signing of the agreement", "signature of the agreement",
    "this agreement", "the agreement", "the present agreement", "date of signing",
    "date of signature", "date of this agreement", "signing hereof", "signature hereof",
    "the signing", "the signature", "the date of signing", "the date of signature",
}  # fmt: skip
_EVENT_LEAD_RE = re.compile(r"^(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?")
_EVENT_TAIL_RE = re.compile(
    r"\s+(?:of|to)\s+(?:this|the present|the)\s+(?:agreement|accord|treaty|protocol)$"
)


def _event(tail: str | None) -> str | None:
    """The event a wording counts from, in lower case; None for the signing."""
    if tail is None:
        return None
    text = tail.strip(" ,()")
    if text in _SIGNING_WORDS or text in {"elapsed"}:
        return None
    text = _EVENT_LEAD_RE.sub("", text)
    text = _EVENT_TAIL_RE.sub("", text).strip()
    return None if text in _SIGNING_WORDS or not text else text


def _with_event(timeline: Timeline, match: re.Match) -> Timeline:
    connector = match["connector"]
    if connector in {None, "have elapsed", "has elapsed"}:
        return timeline
    return Timeline(**{**timeline.__dict__, "event": _event(match["event"])})


def _read_recurring(text: str, wording: str) -> Timeline | None:
    """'annually', 'every six months', 'each year on 1 March', 'every two years starting in
    2027'; None when the wording is not recurring."""
    months = days = 0
    on_month = on_day = None
    rest = ""
    if text in _RECURRING_WORDS:
        months, days = _RECURRING_WORDS[text]
    elif match := _ON_DAY_RE.match(text):
        on_month, on_day, rest = _MONTHS.get(match["month"]), int(match["day"]), match["rest"]
        if on_month is None or not 1 <= on_day <= 31:
            raise TimelineError(wording, "names a day of the year that does not exist")
        months = 12
    elif match := _EVERY_RE.match(text):
        number, _, bracket = match["number"].partition(" ")
        amount = _read_number(number, bracket.strip("()") or None, wording)
        unit = match["unit"]
        months, days = {"day": (0, amount), "week": (0, 7 * amount)}.get(
            unit, (amount * (12 if unit == "year" else 1), 0)
        )
        rest = match["rest"]
    else:
        return None
    starts_on = None
    if rest.strip():
        start = _STARTING_RE.match(rest.strip())
        starts_on = _read_start(start["start"]) if start else None
        if starts_on is None:
            raise TimelineError(wording, f"has “{rest.strip()}” after its interval")
    recurrence = Recurrence(
        months=months, days=days, on_month=on_month, on_day=on_day, starts_on=starts_on
    )
    return Timeline(TimelineKind.RECURRING, recurrence=recurrence)


def _read_start(text: str) -> date | None:
    """'2027', 'march 2027', '1 march 2027'."""
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    if match := re.fullmatch(r"([a-z]+) (\d{4})", text):
        month = _MONTHS.get(match[1])
        return date(int(match[2]), month, 1) if month else None
    return _read_date(text)


def due_date(
    wording: str, anchor: date | None, holidays: frozenset[date] = frozenset()
) -> date | None:
    """The due date of `wording` counted from `anchor`; raises `TimelineError`.

    `holidays` are the dates working days skip besides weekends.
    """
    return parse_timeline(wording).due_from(anchor, holidays)


def _normalise(wording: str) -> str:
    text = wording.strip().lower().replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2014]", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".;:,").strip()


MAX_MONTHS = 100 * 12
MAX_DAYS = 100 * 366


def _offset(amount: int, unit: str, wording: str) -> Timeline:
    unit = unit.replace("-", " ")
    if unit == "hour":
        hours = amount
        if hours > MAX_DAYS * 24:
            raise TimelineError(wording, "reaches more than a hundred years ahead")
        return Timeline(TimelineKind.OFFSET, hours=hours)
    if unit in {"working day", "business day"}:
        if amount > MAX_DAYS:
            raise TimelineError(wording, "reaches more than a hundred years ahead")
        return Timeline(TimelineKind.OFFSET, working_days=amount)
    months_per, days_per = _UNITS[unit]
    months, days = amount * months_per, amount * days_per
    if months > MAX_MONTHS or days > MAX_DAYS:
        raise TimelineError(wording, "reaches more than a hundred years ahead")
    return Timeline(TimelineKind.OFFSET, months=months, days=days)


def _read_number(word: str, bracket: str | None, wording: str) -> int:
    value = _word_to_int(word)
    if value is None:
        raise TimelineError(wording, f"has a number “{word}” that cannot be read")
    if bracket is not None:
        other = _word_to_int(bracket)
        if other != value:
            written = "in figures" if bracket[0].isdigit() else "in words"
            raise TimelineError(wording, f"says “{word}” but ({bracket}) {written}")
    if value <= 0:
        raise TimelineError(wording, "needs a period of at least one day")
    return value


def _word_to_int(word: str) -> int | None:
    """'135', '8,600', '30th', 'twenty-one', 'a hundred', 'one hundred and thirtieth'."""
    figure = re.fullmatch(r"([\d,]+)(?:st|nd|rd|th)?", word)
    if figure:
        return int(figure[1].replace(",", ""))
    tokens = re.split(r"[- ]+", word)
    tokens[-1] = _ORDINALS.get(tokens[-1], tokens[-1])
    return _words_to_int(tokens)


def _words_to_int(tokens: list[str]) -> int | None:
    total, current, previous = 0, 0, None
    for position, token in enumerate(tokens):
        if token == "and":
            if previous not in {"scale"} or position == len(tokens) - 1:
                return None
        elif token in {"a", "an"}:
            if position != 0 or (len(tokens) > 1 and tokens[1] not in _SCALES):
                return None
            current = 1
        elif token in _SMALL_NUMBERS:
            if previous not in {None, "scale", "and", "tens"}:
                return None
            if previous == "tens" and _SMALL_NUMBERS[token] > 9:
                return None
            current += _SMALL_NUMBERS[token]
        elif token in _TENS:
            if previous not in {None, "scale", "and"}:
                return None
            current += _TENS[token]
        elif token == "hundred":  # "one hundred", "twelve hundred"; never "thirty hundred"
            if previous not in {None, "small"} or current >= 20:
                return None
            current = (current or 1) * 100
        elif token == "thousand":
            if previous == "and" or total:
                return None
            total, current = (current or 1) * 1000, 0
        else:
            return None
        previous = (
            "and"
            if token == "and"
            else "scale"
            if token in _SCALES
            else "tens"
            if token in _TENS
            else "small"
        )
    return total + current


def _read_date(text: str) -> date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(",", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if match := _END_OF_RE.match(text):
        return _end_of(match["month"], int(match["year"]))
    if match := _QUARTER_RE.match(text):
        return _end_of_quarter(match)
    if match := _MID_RE.match(text):
        return date(int(match["year"]), 6, 30)
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return _read_date_with_month_word(text)


def _read_date_with_month_word(text: str) -> date | None:
    """'10 sept 2020' and other spellings strptime does not know."""
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})|([a-z]+) (\d{1,2}) (\d{4})", text)
    if not match:
        return None
    day, month_word, year = (
        match.group(1, 2, 3) if match.group(1) else (match[5], match[4], match[6])
    )
    month = _MONTHS.get(month_word)
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def _end_of(month_word: str | None, year: int) -> date | None:
    if month_word is None:
        return date(year, 12, 31)
    month = _MONTHS.get(month_word)
    if month is None:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_quarter(match: re.Match) -> date | None:
    quarter = int(match["q"]) if match["q"] else _QUARTERS.get(match["quarter"])
    if quarter is None:
        return None
    year = int(match["qyear"] or match["year"])
    return _month_end(date(year, quarter * 3, 1))
