"""The deadlines calendar (RFC 5545): one all-day event per commitment with a due date,
within a window of due dates and up to a number of events. An open recurring commitment's
event starts on the end of the period it owes and repeats on every later period's end (an
RRULE, `recurrence_rule`).

The body is a function of a `DeadlinesFeed` and of this code alone, so its ETag is a hash
of those (`feed_etag`): a calendar app asking again gets its 304 before any line is written,
and anything that would change a line changes the tag; nothing is kept between requests.

The lines are written, escaped and folded here: building icalendar's objects and its
character-by-character folding were most of a large feed's time (docs/benchmarks.md). The
tests parse every feed back with icalendar.
"""

import calendar
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .models import CommitmentStatus, Theme
from .models.base import english
from .recurrence import Recurrence

PRODID = "-//Commitment tracker//Deadlines//EN"
REFRESH = "PT1H"
_CLOSED = {CommitmentStatus.IMPLEMENTED.value, CommitmentStatus.ABANDONED.value}
# What the body depends on besides the feed's data: this module and the labels it prints.
# Part of every ETag, so that a deployment that changes the output does not leave calendar
# apps with the old one.


@cache
def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """The status and theme labels in English (`english`): a calendar is a file."""
    return (
        {value: english(label) for value, label in CommitmentStatus.choices},
        {value: english(label) for value, label in Theme.choices},
    )


@cache
def _code() -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + repr(_labels()).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Deadline:
    """One commitment's event: what the selector reads, no model instance."""

    pk: int
    due_on: date
    reference: str
    title: str
    status: str
    theme: str
    timeline_wording: str
    updated_at: datetime
    agreement_title: str
    parties: tuple[str, ...]
    path: str
    # An open recurring commitment: how its wording was read, the period it owes ("Q2 2026")
    # and the RRULE of its periods' ends; empty for any other.
    recurrence: str = ""
    period: str = ""
    rrule: str = ""


def recurrence_rule(recurrence: Recurrence, start: date) -> str:
    """The RRULE whose occurrences are the ends of the periods of `recurrence` counted from
    `start` (the event's DTSTART being one of them); "" when no rule says it exactly (equal
    steps of months from a day after the 28th, whose ends clamp unevenly)."""
    if recurrence.on_month:
        month, day = recurrence.on_month, recurrence.on_day or 1
        # A day the month lacks (in some years: 29 February) is clamped to its last day.
        shortest = calendar.monthrange(2001, month)[1]  # 2001: not a leap year
        by_day = -1 if day > shortest else day
        return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={by_day}"
    months, days = recurrence.months, recurrence.days
    if months and months % 12 == 0:
        return f"FREQ=YEARLY;INTERVAL={months // 12};BYMONTH=12;BYMONTHDAY=31"
    if recurrence.is_calendar or (months and start.day == 1):
        return f"FREQ=MONTHLY;INTERVAL={months};BYMONTHDAY=-1"
    if months:
        # Each period ends the day before the start's day of month, which never clamps.
        if start.day > 28:
            return ""
        return f"FREQ=MONTHLY;INTERVAL={months};BYMONTHDAY={start.day - 1}"
    if days % 7 == 0:
        return f"FREQ=WEEKLY;INTERVAL={days // 7}"
    return f"FREQ=DAILY;INTERVAL={days}" if days else ""


@dataclass(frozen=True, slots=True)
class DeadlinesFeed:
    """Everything the calendar says. `more`: more deadlines are due within the window than
    `max_events`, and `deadlines` holds the `max_events` nearest to `today`."""

    site_url: str
    settings_path: str
    today: date
    first_day: date
    last_day: date
    max_events: int
    deadlines: tuple[Deadline, ...]
    more: bool


def feed_etag(feed: DeadlinesFeed) -> str:
    """A strong ETag: the same for the same feed, different whenever the body would differ
    (two feeds that differ only where the body does not show, as in a time's microseconds,
    get a full answer where a 304 would have done)."""
    return '"' + hashlib.sha256(repr((_code(), feed)).encode()).hexdigest()[:40] + '"'


def feed_description(feed: DeadlinesFeed) -> str:
    """What the feed holds, in words: the calendar's description, and the note when the
    limit is reached."""
    text = (
        f"Deadlines you can see in the commitment tracker, due from {feed.first_day} to "
        f"{feed.last_day}: at most {feed.max_events:,}, the nearest to today."
    )
    if feed.more:
        text += (
            f" More than {feed.max_events:,} are due in that time: this calendar has the "
            f"{feed.max_events:,} nearest to {feed.today}. Every deadline is in the tracker: "
            f"{feed.site_url}/"
        )
    return text


def deadlines_calendar(feed: DeadlinesFeed) -> bytes:
    """The calendar as bytes. Each event's UID is stable, so calendar apps update an event
    when its due date moves instead of adding another. DTSTAMP is the commitment's last
    change, not the time of the request: the same data gives the same bytes."""
    host = urlsplit(feed.site_url).hostname or "localhost"
    description = _text(feed_description(feed))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Commitment deadlines",
        f"X-WR-CALDESC:{description}",
        f"DESCRIPTION:{description}",  # RFC 7986's name for it
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for deadline in feed.deadlines:
        lines += _event(deadline, site_url=feed.site_url, host=host)
    if feed.more:
        lines += _limit_note(feed, host=host, description=description)
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)


def _event(deadline: Deadline, *, site_url: str, host: str) -> list[str]:
    url = site_url + deadline.path
    status = _labels()[0].get(deadline.status, deadline.status)
    closed = f" ({status.lower()})" if deadline.status in _CLOSED else ""
    stamp = _utc(deadline.updated_at)
    recurring = (
        [f"Recurring: {deadline.recurrence}", f"Period owed: {deadline.period}"]
        if deadline.recurrence
        else []
    )
    description = "\n".join(
        [
            deadline.agreement_title,
            f"Status: {status}",
            f"Responsible: {', '.join(deadline.parties) or '—'}",
            f"Timeline: {deadline.timeline_wording or '—'}",
            *recurring,
            url,
        ]
    )
    return [
        "BEGIN:VEVENT",
        f"UID:commitment-{deadline.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{deadline.due_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{deadline.due_on + timedelta(days=1):%Y%m%d}",
        *([f"RRULE:{deadline.rrule}"] if deadline.rrule else []),
        f"SUMMARY:{_text(f'Due: {deadline.reference} {deadline.title}{closed}')}",
        f"DESCRIPTION:{_text(description)}",
        f"URL:{url}",
        f"CATEGORIES:{_text(_labels()[1].get(deadline.theme, deadline.theme))}",
        f"LAST-MODIFIED:{stamp}",
        "TRANSP:TRANSPARENT",  # a deadline does not make anyone busy
        "END:VEVENT",
    ]


def _limit_note(feed: DeadlinesFeed, *, host: str, description: str) -> list[str]:
    """An all-day event today saying that the limit was reached: calendar apps show the
    events, seldom the calendar's description."""
    stamp = _utc(datetime.combine(feed.today, time(), UTC))
    return [
        "BEGIN:VEVENT",
        f"UID:calendar-limit@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{feed.today:%Y%m%d}",
        f"DTEND;VALUE=DATE:{feed.today + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(f'Only the {feed.max_events:,} nearest deadlines are in this calendar')}",
        f"DESCRIPTION:{description}",
        f"URL:{feed.site_url}{feed.settings_path}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma; a line break of
    any kind becomes \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _fold(line: str) -> bytes:
    """One content line ending in CRLF, folded (RFC 5545 3.1) into pieces of at most 74
    octets, each continuation starting with a space: never inside a UTF-8 character, and
    never right after a backslash (some apps mishandle an escape split across lines)."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    pieces = []
    while len(data) > 74:
        cut = 74
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        if data[cut - 1] == 0x5C:
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"
