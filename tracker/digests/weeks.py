"""Weeks: a digest is named by its ISO week; it is due on DIGEST_WEEKDAY at DIGEST_HOUR, site
time, and reports what happened since the previous week's digest was due."""

import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

WEEK_FORMAT = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written as YYYY-Www; ValueError says what is wrong."""
    match = WEEK_FORMAT.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not an ISO week: write it as YYYY-Www, such as 2026-W48.")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{match[1]} has no week {int(match[2])}.") from None


def due_at(week: str) -> datetime:
    """When the digest of `week` is due: its DIGEST_WEEKDAY at DIGEST_HOUR, site time zone."""
    day = parse_week(week) + timedelta(days=settings.DIGEST_WEEKDAY - 1)
    return timezone.make_aware(
        datetime.combine(day, time(settings.DIGEST_HOUR)), timezone.get_default_timezone()
    )


def window(week: str) -> tuple[datetime, datetime]:
    """From the previous digest's due time to this one's: windows tile, so a change shows
    in exactly one digest, however late either was sent."""
    until = due_at(week)
    return due_at(week_of(until.date() - timedelta(days=7))), until


def latest_due_week(now: datetime) -> str:
    """The week whose digest fell due most recently (this week's once its time has come)."""
    this_week = week_of(timezone.localtime(now).date())
    if due_at(this_week) <= now:
        return this_week
    return week_of(parse_week(this_week) - timedelta(days=7))
