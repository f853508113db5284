"""Timeline wording -> due dates. Pure functions: no ORM, no clock.

An editor types the timeline as the agreement words it ("Within 3 months", "by 10 March
2020", "next month", "ongoing"); `parse_timeline` reads it into a `Timeline`, and
`Timeline.due_from(anchor)` counts it from a milestone's date. Months clamp to the end of the
month (31 Jan + 1 month = 28/29 Feb); years are twelve months; weeks are seven days.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

ACCEPTED_FORMS = (
    "'within 3 months', 'within 135 days', 'within two weeks', 'within a year', "
    "'within fourteen (14) months', '3 months after signing', 'next month', "
    "'by 10 March 2020', 'by March 10, 2020', 'by 2020-03-10', 'by the end of March 2020', "
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


@dataclass(frozen=True)
class Timeline:
    kind: TimelineKind
    fixed_on: date | None = None
    months: int = 0
    days: int = 0

    @property
    def is_relative(self) -> bool:
        return self.kind == TimelineKind.OFFSET

    def due_from(self, anchor: date | None) -> date | None:
        """The due date counted from `anchor` (a milestone's date); None when there is none."""
        if self.kind == TimelineKind.NONE:
            return None
        if self.kind == TimelineKind.FIXED:
            return self.fixed_on
        if anchor is None:
            return None
        return add_months(anchor, self.months) + timedelta(days=self.days)


NO_DEADLINE = Timeline(TimelineKind.NONE)


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the last day of the month it lands in."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


_UNITS = {
    "day": (0, 1),
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
_IMMEDIATE_WORDS = {"immediately", "immediate", "at once", "upon signing", "on signing"}
_NONE_WORDS = {
    "", "ongoing", "on-going", "continuous", "continuing", "permanent", "indefinite",
    "no deadline", "none", "n/a", "not applicable", "-", "—", "tbd", "to be determined",
}  # fmt: skip
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_NUMBER = r"(?P<number>[a-z]+(?:[- ][a-z]+)?|\d{1,4})(?:\s*\((?P<digits>\d{1,4})\))?"
_UNIT = r"(?P<unit>day|week|fortnight|month|year)s?"
_TAIL = r"(?:\s+(?:of|after|from|following|since|upon|once)\b.*)?"
_OFFSET_RE = re.compile(rf"^(?:within|in|after|no later than)?\s*{_NUMBER}\s+{_UNIT}{_TAIL}$")
_NEXT_RE = re.compile(rf"^(?:by\s+|within\s+|in\s+)?(?:the\s+)?next\s+{_UNIT}{_TAIL}$")
_FIXED_PREFIX_RE = re.compile(
    r"^(?:by|before|on|no later than|not later than|until|deadline:?|due:?)\s+(?P<rest>.+)$"
)
_END_OF_RE = re.compile(r"^(?:the\s+)?end\s+of\s+(?:(?P<month>[a-z]+)\s+)?(?P<year>\d{4})$")


def parse_timeline(wording: str) -> Timeline:
    """Read an agreement's timeline wording. Raises `TimelineError` for what it cannot read."""
    text = _normalise(wording)
    if text in _NONE_WORDS:
        return NO_DEADLINE
    if text in _IMMEDIATE_WORDS:
        return Timeline(TimelineKind.OFFSET)
    if match := _NEXT_RE.match(text):
        return _offset(1, match["unit"], wording)
    if match := _OFFSET_RE.match(text):
        amount = _read_number(match["number"], match["digits"], wording)
        return _offset(amount, match["unit"], wording)
    rest = match["rest"] if (match := _FIXED_PREFIX_RE.match(text)) else text
    fixed = _read_date(rest)
    if fixed is None:
        raise TimelineError(wording)
    return Timeline(TimelineKind.FIXED, fixed_on=fixed)


def due_date(wording: str, anchor: date | None) -> date | None:
    """The due date of `wording` counted from `anchor`; raises `TimelineError`."""
    return parse_timeline(wording).due_from(anchor)


def _normalise(wording: str) -> str:
    text = wording.strip().lower().replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".;:,").strip()


MAX_MONTHS = 100 * 12
MAX_DAYS = 100 * 366


def _offset(amount: int, unit: str, wording: str) -> Timeline:
    months_per, days_per = _UNITS[unit]
    months, days = amount * months_per, amount * days_per
    if months > MAX_MONTHS or days > MAX_DAYS:
        raise TimelineError(wording, "reaches more than a hundred years ahead")
    return Timeline(TimelineKind.OFFSET, months=months, days=days)


def _read_number(word: str, digits: str | None, wording: str) -> int:
    value = _word_to_int(word)
    if value is None:
        raise TimelineError(wording, f"has a number “{word}” that cannot be read")
    if digits is not None and int(digits) != value:
        raise TimelineError(wording, f"says “{word}” but ({digits}) in figures")
    if value <= 0:
        raise TimelineError(wording, "needs a period of at least one day")
    return value


def _word_to_int(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in _SMALL_NUMBERS:
        return _SMALL_NUMBERS[word]
    if word in _TENS:
        return _TENS[word]
    parts = re.split(r"[- ]", word)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _SMALL_NUMBERS:
        units = _SMALL_NUMBERS[parts[1]]
        return _TENS[parts[0]] + units if 1 <= units <= 9 and parts[1] not in {"a", "an"} else None
    return None


def _read_date(text: str) -> date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(",", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if match := _END_OF_RE.match(text):
        return _end_of(match["month"], int(match["year"]))
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
