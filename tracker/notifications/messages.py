"""What a notification message says: a title and a plain-text body, one paragraph per event,
oldest first, each with the commitment's link. Every user text (titles, references,
summaries) is direction-isolated (`isolate`): a plain-text message has no element to do it,
and a right-to-left title must not reorder the words around it."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..digests import absolute_url
from ..models import CommitmentStatus, EventKind, Notification, User
from ..templatetags.tracker import isolate

SUMMARY_CHARS = 200
# A chat message stays readable: past these, it says how many more there were.
ITEMS_PER_MESSAGE = 30


def _day(value) -> str:
    return date_format(value, "j F Y")


def _status_label(value: str) -> str:
    try:
        return str(CommitmentStatus(value).label)
    except ValueError:
        return value


def describe(item: Notification) -> str:
    """One event in one sentence."""
    commitment = item.commitment
    subject = _("%(reference)s “%(title)s” (%(agreement)s)") % {
        "reference": isolate(commitment.reference),
        "title": isolate(commitment.title),
        "agreement": isolate(commitment.agreement.title),
    }
    if item.kind == EventKind.STATUS_CHANGE and item.status_change:
        change = item.status_change
        return _("%(subject)s moved from %(old)s to %(new)s.") % {
            "subject": subject,
            "old": _status_label(change.from_status),
            "new": _status_label(change.to_status),
        }
    if item.kind == EventKind.EVIDENCE and item.evidence:
        summary = Truncator(item.evidence.summary).chars(SUMMARY_CHARS)
        return _("New evidence on %(subject)s: %(summary)s") % {
            "subject": subject,
            "summary": isolate(summary),
        }
    if item.kind == EventKind.OVERDUE:
        return _("%(subject)s is overdue: it was due on %(day)s.") % {
            "subject": subject,
            "day": _day(item.due_on),
        }
    if item.kind == EventKind.REMINDER:
        # The days left when it is sent: a reminder caught up late says how near it is now.
        days = max((item.due_on - timezone.localdate()).days, 0)
        return ngettext(
            "Reminder: %(subject)s is due on %(day)s, in %(days)d day.",
            "Reminder: %(subject)s is due on %(day)s, in %(days)d days.",
            days,
        ) % {"subject": subject, "days": days, "day": _day(item.due_on)}
    return subject


def notification_message(user: User, items: list[Notification]) -> tuple[str, str]:
    """The title and body of one message carrying `items`."""
    title = ngettext(
        "Commitment tracker: %(count)d update",
        "Commitment tracker: %(count)d updates",
        len(items),
    ) % {"count": len(items)}
    paragraphs = [
        f"{describe(item)}\n{absolute_url(item.commitment.get_absolute_url())}"
        for item in items[:ITEMS_PER_MESSAGE]
    ]
    if len(items) > ITEMS_PER_MESSAGE:
        more = len(items) - ITEMS_PER_MESSAGE
        paragraphs.append(
            ngettext("… and %(count)d more.", "… and %(count)d more.", more) % {"count": more}
        )
    footer = _("Choose what you are told, and where: %(url)s") % {
        "url": absolute_url(reverse("tracker:notifications"))
    }
    return title, "\n\n".join([*paragraphs, footer])
