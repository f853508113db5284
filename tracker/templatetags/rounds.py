"""Template filters of the rounds' pages and report, which read dates from a snapshot as
ISO text."""

from datetime import date

from django import template

from .tracker import day

register = template.Library()


@register.filter
def iso_day(value: str | None) -> str:
    """`2026-12-05` (a snapshot's date) as `5 Dec 2026`; empty for none or unreadable."""
    try:
        return day(date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def of_party(mapping: dict, party_id: int):
    """The obligation of one party in a section's `by_party`."""
    return mapping.get(party_id)
