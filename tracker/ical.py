"""The deadlines calendar (RFC 5545): one all-day event per commitment with a due date."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .models import Commitment

PRODID = "-//Commitment tracker//Deadlines//EN"
REFRESH = timedelta(hours=1)


def deadlines_calendar(
    commitments: Iterable[Commitment], *, site_url: str, stamp: datetime
) -> bytes:
    """The calendar as bytes. Needs the agreement selected and the responsible parties
    prefetched. Each event's UID is stable, so calendar apps update an event when its due
    date moves instead of adding another."""
    host = urlsplit(site_url).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Commitment deadlines")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for commitment in commitments:
        calendar.add_component(_event(commitment, site_url=site_url, host=host, stamp=stamp))
    return calendar.to_ical()


def _event(commitment: Commitment, *, site_url: str, host: str, stamp: datetime) -> Event:
    url = site_url + commitment.get_absolute_url()
    closed = f" ({commitment.get_status_display().lower()})" if commitment.is_closed else ""
    parties = ", ".join(party.code for party in commitment.responsible_parties.all())
    event = Event()
    event.add("uid", f"commitment-{commitment.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", commitment.due_on)
    event.add("dtend", commitment.due_on + timedelta(days=1))
    event.add("summary", f"Due: {commitment.reference} {commitment.title}{closed}")
    event.add(
        "description",
        "\n".join(
            [
                commitment.agreement.title,
                f"Status: {commitment.get_status_display()}",
                f"Responsible: {parties or '—'}",
                f"Timeline: {commitment.timeline_wording or '—'}",
                url,
            ]
        ),
    )
    event.add("url", url)
    event.add("categories", [commitment.get_theme_display()])
    event.add("last-modified", commitment.updated_at)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event
