"""What the comparison page writes of its figures."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days(value: float | None) -> str:
    """A number of days, a median perhaps with a half: "1 day", "42.5 days"; "—" for none."""
    if value is None:
        return "—"
    count = 1 if value == 1 else 2
    return ngettext("%(days)s day", "%(days)s days", count) % {"days": floatformat(value, -1)}
