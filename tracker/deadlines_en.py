"""English timeline wording -> `Timeline`. Pure functions: no ORM, no clock.

`read(text, wording)` takes the normalised text (lower case, one space, no trailing full stop,
no bracketed note) and the wording as typed (for the refusal's message).
"""

import re
from dataclasses import replace

from .deadline_dates import MONTHS, read_date, read_start
from .deadline_events import read_event
from .deadlines import (
    NO_DEADLINE,
    Timeline,
    TimelineError,
    TimelineKind,
    check_number,
    make_offset,
)
from .numbers import EN_WORDS, FIGURE, english_to_int
from .recurrence import Recurrence

_NONE_WORDS = {
    "", "ongoing", "on-going", "continuous", "continuing", "permanent", "indefinite",
    "no deadline", "none", "n/a", "not applicable", "-", "—", "tbd", "to be determined",
}  # fmt: skip
_SAME_MONTH_WORDS = {
    "within the same month", "in the same month", "by the end of the same month",
    "within the same calendar month", "before the end of the same month",
}  # fmt: skip
_PROMPT_WORDS = {
    "immediately", "immediate", "at once", "as soon as possible", "asap", "without delay",
    "forthwith", "promptly", "at the earliest opportunity", "as early as possible",
    "without undue delay", "as soon as practicable", "expeditiously",
}  # fmt: skip

_NUMBER = (
    rf"(?P<number>{EN_WORDS}|(?:{FIGURE})(?:st|nd|rd|th)?)\b"
    rf"(?:\s*\((?P<bracket>{FIGURE}|{EN_WORDS})\))?"
)
_UNIT = r"(?P<unit>hour|(?:working|business|calendar)[ -]day|day|week|fortnight|month|year)s?"
_CONNECTORS = (
    r"of|after|from|following|since|upon|on|once|as of|as from|counting from|counted from|"
    r"calculated from|reckoned from|running from|beginning|starting|commencing|"
    r"with effect from|subsequent to|have elapsed|has elapsed"
)
_TAIL = rf"(?:\s+(?P<connector>{_CONNECTORS})\b(?P<event>.*))?"
_PREFIX = (
    r"(?:(?:within|in|after|during|for|over|on|at|no later than|not later than|not exceeding|"
    r"not more than|prior to|before|by|upon|at the end of|upon(?: the)? expiry of|"
    r"upon(?: the)? expiration of|at the latest)\s+)*"
    r"(?:the\s+)?(?:(?:a\s+)?(?:maximum\s+)?(?:period|maximum)\s+(?:of\s+)?"
    r"(?:not\s+exceeding\s+|not\s+more\s+than\s+|up\s+to\s+)?)?(?:the\s+)?(?:first\s+)?"
)
_OFFSET_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s+{_UNIT}{_TAIL}$")
_NEXT_RE = re.compile(rf"^(?:by\s+|within\s+|in\s+)?(?:the\s+)?next\s+{_UNIT}{_TAIL}$")
# What went wrong, when the offset's shape is there but a part of it is not.
_ANY_CONNECTOR_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s+{_UNIT}\s+(?P<word>[a-z'-]+)\b")
_ANY_NUMBER_RE = re.compile(
    rf"^(?:within|in|after|no later than|not later than|not exceeding|the first)\s+"
    rf"(?P<word>[^\s()]+(?:\s+[^\s()]+)?)\s+(?:\([^()]*\)\s+)?{_UNIT}\b"
)
_ON_EVENT_RE = re.compile(
    r"^(?:upon|on|at|from|with effect from|as of|following|after)\s+(?P<event>.+)$"
)
_FIXED_PREFIX_RE = re.compile(
    r"^(?:by|before|on|no later than|not later than|prior to|until|at the latest by|"
    r"deadline:?|due:?)\s+(?P<rest>.+)$"
)


def read(text: str, wording: str) -> Timeline:
    """Read normalised English `text`; raises `TimelineError`."""
    if text in _NONE_WORDS:
        return NO_DEADLINE
    if text in _PROMPT_WORDS:
        return Timeline(TimelineKind.PROMPT)
    if text in _SAME_MONTH_WORDS:
        return Timeline(TimelineKind.OFFSET, to_month_end=True)
    if (recurring := _read_recurring(text, wording)) is not None:
        return recurring
    if match := _NEXT_RE.match(text):
        return make_offset(1, match["unit"], wording, _event_of(match))
    if match := _OFFSET_RE.match(text):
        amount = _read_number(match["number"], match["bracket"], wording)
        return make_offset(amount, match["unit"], wording, _event_of(match))
    if (match := _ON_EVENT_RE.match(text)) and read_date(match["event"]) is None:
        return Timeline(TimelineKind.OFFSET, event=read_event(match["event"]))
    rest = match["rest"] if (match := _FIXED_PREFIX_RE.match(text)) else text
    fixed = read_date(rest)
    if fixed is None:
        raise TimelineError(wording, _problem(text))
    return Timeline(TimelineKind.FIXED, fixed_on=fixed)


def _problem(text: str) -> str:
    """Which part of an offset-shaped wording could not be read, when it can be told."""
    if match := _ANY_CONNECTOR_RE.match(text):
        return (
            f"has “{match['word']}” where the event it counts from should be introduced "
            "(after, from, of, following, upon…)"
        )
    if (match := _ANY_NUMBER_RE.match(text)) and english_to_int(match["word"]) is None:
        return f"has “{match['word']}” where a number should be"
    return "cannot be read as a deadline"


def _event_of(match: re.Match) -> str | None:
    if match["connector"] in {None, "have elapsed", "has elapsed"}:
        return None
    return read_event(match["event"])


def _read_number(word: str, bracket: str | None, wording: str) -> int:
    return check_number(
        english_to_int(word), word, english_to_int(bracket) if bracket else None, bracket, wording
    )


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


def _read_recurring(text: str, wording: str) -> Timeline | None:
    """'annually', 'every six months', 'each year on 1 March', 'every two years starting in
    2027'; None when the wording is not recurring."""
    months = days = 0
    on_month = on_day = None
    rest = ""
    if text in _RECURRING_WORDS:
        months, days = _RECURRING_WORDS[text]
    elif match := _ON_DAY_RE.match(text):
        on_month, on_day, rest = MONTHS.get(match["month"]), int(match["day"]), match["rest"]
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
        starts_on = read_start(start["start"]) if start else None
        if starts_on is None:
            raise TimelineError(wording, f"has “{rest.strip()}” after its interval")
    recurrence = Recurrence(
        months=months, days=days, on_month=on_month, on_day=on_day, starts_on=starts_on
    )
    return replace(Timeline(TimelineKind.RECURRING), recurrence=recurrence)
