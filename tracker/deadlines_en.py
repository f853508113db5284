"""English timeline wording -> `Timeline`. Pure functions: no ORM, no clock.

`read(text, wording)` takes the normalised text (lower case, one space, no trailing full stop,
no bracketed note) and the wording as typed (for the refusal's message).
"""

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from .deadline_dates import MONTHS, read_before, read_date, read_start
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
    "on an ongoing basis", "on a continuing basis", "on a continuous basis",
    "on a permanent basis",
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
_PROMPT_RE = re.compile(  # "as soon as possible after the signing", "immediately upon ratification"
    rf"^(?:{'|'.join(sorted(_PROMPT_WORDS, key=len, reverse=True))})"
    r"(?:,?\s+(?:after|upon|on|following|from|once|at|with)\s+(?P<event>.+))?$"
)
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
    r"(?:an?\s+(?=\S+-(?:hour|day|week|month|year)))?"  # "a six-month period"
)
_OFFSET_RE = re.compile(rf"^{_PREFIX}{_NUMBER}(?:\s+|-){_UNIT}(?:\s+period)?{_TAIL}$")
_NEXT_RE = re.compile(rf"^(?:by\s+|within\s+|in\s+)?(?:the\s+)?next\s+{_UNIT}{_TAIL}$")
# What went wrong, when the offset's shape is there but a part of it is not.
_ANY_CONNECTOR_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s+{_UNIT}\s+(?P<word>[a-z'-]+)\b")
_ANY_NUMBER_RE = re.compile(
    rf"^(?:within|in|after|no later than|not later than|not exceeding|the first)\s+"
    rf"(?P<word>[^\s()]+(?:\s+[^\s()]+)?)\s+(?:\([^()]*\)\s+)?{_UNIT}\b"
)
# "Upon ratification", "at the signing": due on the event's day. After "at" and "from" the
# event needs its article, so that "at a later stage" and "from time to time" are refused.
_ON_EVENT_RE = re.compile(
    r"^(?:(?:upon|on(?! or )|with effect from|as of|following|after)\s+(?P<event>.+)"
    r"|(?:at|from)\s+(?P<named>(?:the|its|their)\s+.+|signing|signature))$"
)
_FIXED_PREFIX_RE = re.compile(
    r"^(?:(?P<before>before|prior to)|by|on or before|on|no later than|not later than|until|"
    r"at the latest by|deadline:?|due:?)\s+(?P<rest>.+)$"
)
_AT_THE_LATEST_RE = re.compile(r",?\s+at the latest$")


def read(text: str, wording: str) -> Timeline:
    """Read normalised English `text`; raises `TimelineError`."""
    if text in _NONE_WORDS:
        return NO_DEADLINE
    if match := _PROMPT_RE.match(text):
        return Timeline(TimelineKind.PROMPT, event=read_event(match["event"]))
    if text in _SAME_MONTH_WORDS:
        return Timeline(TimelineKind.OFFSET, to_month_end=True)
    if (recurring := _read_recurring(text, wording)) is not None:
        return recurring
    if match := _NEXT_RE.match(text):
        return make_offset(1, match["unit"], wording, _event_of(match))
    if match := _OFFSET_RE.match(text):
        amount = _read_number(match["number"], match["bracket"], wording)
        return make_offset(amount, match["unit"], wording, _event_of(match))
    if match := _ON_EVENT_RE.match(text):
        event = match["event"] or match["named"]
        if read_date(event) is None:
            return Timeline(TimelineKind.OFFSET, event=read_event(event))
    return _read_fixed(_AT_THE_LATEST_RE.sub("", text), wording)


def _read_fixed(text: str, wording: str) -> Timeline:
    """'by 10 March 2020', 'on or before January 1, 1998', 'before 1 May 2026' (30 April)."""
    match = _FIXED_PREFIX_RE.match(text)
    if match and match["before"]:
        fixed = read_before(match["rest"])
    else:
        fixed = read_date(match["rest"] if match else text)
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


_ADVERBS = {  # wording -> (months, days); (0, 0): recurring with no fixed interval
    "annually": (12, 0), "annual": (12, 0), "yearly": (12, 0), "quarterly": (3, 0),
    "monthly": (1, 0), "biannually": (6, 0), "biannual": (6, 0), "semi-annually": (6, 0),
    "semi-annual": (6, 0), "semiannually": (6, 0), "semiannual": (6, 0),
    "half-yearly": (6, 0), "biennially": (24, 0), "biennial": (24, 0), "weekly": (0, 7),
    "fortnightly": (0, 14), "regular": (0, 0), "regularly": (0, 0), "periodic": (0, 0),
    "periodically": (0, 0),
}  # fmt: skip
_UNIT_INTERVALS = {
    "day": (0, 1), "week": (0, 7), "fortnight": (0, 14), "month": (1, 0), "quarter": (3, 0),
    "year": (12, 0),
}  # fmt: skip
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_INTERVAL_UNIT = r"(?P<unit>day|week|fortnight|month|quarter|year)s?"
_HEADS = (  # the interval at the start of a recurring wording; the rest follows it
    re.compile(r"^on an? (?P<adverb>[a-z-]+) basis"),
    re.compile(rf"^(?P<adverb>{'|'.join(sorted(_ADVERBS, key=len, reverse=True))})\b"),
    re.compile(rf"^(?:once\s+(?:a|per|each|every)|each|every|per)\s+{_INTERVAL_UNIT}\b"),
    re.compile(rf"^(?:once\s+)?every\s+other\s+{_INTERVAL_UNIT}\b"),
    re.compile(
        rf"^(?:once\s+)?every\s+(?P<number>[a-z0-9-]+(?:\s+\((?P<bracket>[a-z0-9-]+)\))?)\s+"
        rf"{_INTERVAL_UNIT}\b"
    ),
    re.compile(
        r"^(?P<times>once|twice|thrice|[a-z0-9-]+\s+times)\s+(?:a|per|each|every)\s+"
        rf"{_INTERVAL_UNIT}\b"
    ),
)
# "Monthly meetings", "regular high-level consultations": what recurs, after its interval.
_ACTIVITY_RE = re.compile(
    r"^(?:[a-z-]+\s+){0,3}(?:meetings?|consultations?|reports?|reporting|reviews?|sessions?|"
    r"talks|summits?|visits?|updates?|briefings?|exchanges?|dialogues?|conferences?|"
    r"assessments?|evaluations?|inspections?|exercises?|patrols?|rounds?|contacts?|forums?|"
    r"gatherings?|monitoring)\b"
)
_ON_DAY_RE = re.compile(
    r"^(?:on|by)\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)"
    r"|(?P<month2>[a-z]+)\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)"
)
_DAY_OF_YEAR = (
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)"
    r"|(?P<month2>[a-z]+)\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)"
)
_DAY_FIRST_RE = re.compile(  # "on 1 January of each year", "before 31 March each year"
    r"^(?:(?P<before>before|prior to)|on|by|not later than|no later than|on or before)\s+"
    rf"{_DAY_OF_YEAR}\s+(?:of\s+)?(?:each|every)\s+(?:calendar\s+)?year(?P<rest>.*)$"
)
# "at regular intervals, not exceeding a period of two years": every two years at most.
_INTERVALS_RE = re.compile(
    r"^(?:at\s+)?regular\s+intervals(?:,?\s+(?:not exceeding|of not more than|not more than|"
    rf"of no more than|of at most|of up to)\s+(?:a\s+period\s+of\s+)?(?P<number>{EN_WORDS}|\d+)"
    rf"(?:\s*\((?P<bracket>\d+)\))?\s+{_INTERVAL_UNIT})?"
)
_START_RE = re.compile(
    r"^(?P<starting>(?:starting|beginning|commencing)\s+)?"
    r"(?P<prep>from|after|following|as of|as from|upon|with effect from|in|on)?\s*(?P<start>.+)$"
)
_EVENT_PREPOSITIONS = {"from", "after", "following", "as of", "as from", "upon", "with effect from"}


def _read_recurring(text: str, wording: str) -> Timeline | None:
    """'annually', 'every six months thereafter', 'monthly meetings', 'at least twice a year',
    'each year on 1 March', 'every two years starting in 2027', 'annually, starting from the
    entry into force'; None when the wording is not recurring."""
    text = re.sub(r"^at\s+least\s+", "", text)
    text = re.sub(r",?\s+(?:thereafter|after that)$", "", text)
    if match := _DAY_FIRST_RE.match(text):
        return _with_rest(_yearly_on(match, wording), match["rest"], wording)
    if match := _INTERVALS_RE.match(text):
        if match["number"] is None:
            return _with_rest(Recurrence(), text[match.end() :], wording)
        months, days = _interval(match, wording)
        return _with_rest(Recurrence(months=months, days=days), text[match.end() :], wording)
    for head in _HEADS:
        if match := head.match(text):
            break
    else:
        if (activity := _ACTIVITY_RE.match(text)) and text[activity.end() :].strip():
            return _read_recurring(text[activity.end() :].strip(), wording)
        return None
    months, days = _interval(match, wording)
    return _with_rest(Recurrence(months=months, days=days), text[match.end() :], wording)


def _yearly_on(match: re.Match, wording: str) -> Recurrence:
    """Every year on the day `match` names; "before 31 March" is every 30 March."""
    day, month = int(match["day"] or match["day2"]), MONTHS.get(match["month"] or match["month2"])
    if month is None or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise TimelineError(wording, "names a day of the year that does not exist")
    due = date(2000, month, day) - timedelta(days=1 if match["before"] else 0)  # a leap year
    return Recurrence(months=12, on_month=due.month, on_day=due.day)


def _interval(match: re.Match, wording: str) -> tuple[int, int]:
    groups = match.groupdict()
    if groups.get("adverb") is not None:
        if groups["adverb"] not in _ADVERBS:
            raise TimelineError(wording, f"has “{groups['adverb']}” where an interval should be")
        return _ADVERBS[groups["adverb"]]
    months, days = _UNIT_INTERVALS[match["unit"]]
    if groups.get("times") is not None:
        return _split(months, days, match["times"], wording)
    amount = 2 if "other" in match[0].split() else 1
    if groups.get("number") is not None:
        number = match["number"].split(" (")[0]
        amount = _read_number(number, groups.get("bracket"), wording)
    if amount < 1 or amount * months > 100 * 12 or amount * days > 100 * 366:
        raise TimelineError(wording, "needs an interval of at least one day, at most a century")
    return amount * months, amount * days


def _split(months: int, days: int, times: str, wording: str) -> tuple[int, int]:
    """'twice a year' -> every 6 months; 'three times a year' -> every 4 months."""
    count = _TIMES.get(times) or english_to_int(times.removesuffix("times").strip())
    if count is None or count < 1:
        raise TimelineError(wording, f"has “{times}” where a number of times should be")
    if months and months % count == 0:
        return months // count, 0
    if days and days % count == 0:
        return 0, days // count
    raise TimelineError(wording, "does not split into equal periods of whole months or weeks")


def _with_rest(recurrence: Recurrence, rest: str, wording: str) -> Timeline:
    """What follows the interval: what recurs, the day of the year, the start or the event."""
    rest = rest.strip(" ,")
    if activity := _ACTIVITY_RE.match(rest):
        rest = rest[activity.end() :].strip(" ,")
    if (match := _ON_DAY_RE.match(rest)) and recurrence.months == 12:
        day, month_word = match["day"] or match["day2"], match["month"] or match["month2"]
        on_month = MONTHS.get(month_word)
        if on_month is None or not 1 <= int(day) <= 31:
            raise TimelineError(wording, "names a day of the year that does not exist")
        recurrence = replace(recurrence, on_month=on_month, on_day=int(day))
        rest = rest[match.end() :].strip(" ,")
    event = None
    if rest:
        start = _START_RE.match(rest)
        starts_on = read_start(start["start"]) if start["starting"] or start["prep"] else None
        if starts_on is not None:
            recurrence = replace(recurrence, starts_on=starts_on)
        elif start["starting"] or start["prep"] in _EVENT_PREPOSITIONS:
            event = read_event(start["start"])
        else:
            raise TimelineError(wording, f"has “{rest}” after its interval")
    return Timeline(TimelineKind.RECURRING, recurrence=recurrence, event=event)
