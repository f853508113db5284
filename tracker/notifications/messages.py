"""What a notification message says: a title and a plain-text body, one paragraph per event,
oldest first, each with the commitment's link; the proposals waiting in the evidence inbox
are one paragraph per agreement ("3 new proposals wait…") with the link to its inbox. Every
user text (titles, references, summaries) is direction-isolated (`isolate`): a plain-text
message has no element to do it, and a right-to-left title must not reorder the words around
it."""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..digests import absolute_url
from ..models import Agreement, CommitmentStatus, EventKind, Notification, User
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
    if item.kind == EventKind.PROPOSAL:
        return describe_proposals(commitment.agreement, 1)
    if item.kind == EventKind.REMINDER:
        # The days left when it is sent: a reminder caught up late says how near it is now.
        days = max((item.due_on - timezone.localdate()).days, 0)
        return ngettext(
            "Reminder: %(subject)s is due on %(day)s, in %(days)d day.",
            "Reminder: %(subject)s is due on %(day)s, in %(days)d days.",
            days,
        ) % {"subject": subject, "days": days, "day": _day(item.due_on)}
    return subject


def describe_proposals(agreement: Agreement, count: int) -> str:
    """The proposals of one agreement that a message carries, in one sentence."""
    return ngettext(
        "%(count)d new proposal waits in the evidence inbox for %(agreement)s.",
        "%(count)d new proposals wait in the evidence inbox for %(agreement)s.",
        count,
    ) % {"count": count, "agreement": isolate(agreement.title)}


def _paragraphs(items: list[Notification]) -> list[tuple[str, int]]:
    """Each paragraph with the number of events it tells: one an event, but one an
    agreement for the proposals, where its first proposal stands."""
    proposals: dict[int, list[Notification]] = {}
    for item in items:
        if item.kind == EventKind.PROPOSAL:
            proposals.setdefault(item.commitment.agreement_id, []).append(item)
    paragraphs = []
    for item in items:
        if item.kind != EventKind.PROPOSAL:
            link = absolute_url(item.commitment.get_absolute_url())
            paragraphs.append((f"{describe(item)}\n{link}", 1))
        elif (group := proposals.pop(item.commitment.agreement_id, None)) is not None:
            agreement = item.commitment.agreement
            link = absolute_url(reverse("tracker:agreement-inbox", args=[agreement.slug]))
            paragraphs.append((f"{describe_proposals(agreement, len(group))}\n{link}", len(group)))
    return paragraphs


def notification_message(user: User, items: list[Notification]) -> tuple[str, str]:
    """The title and body of one message carrying `items`, in the user's language; the
    title counts every event."""
    with translation.override(user.language_or_default):
        return _message(items)


def _message(items: list[Notification]) -> tuple[str, str]:
    title = ngettext(
        "Commitment tracker: %(count)d update",
        "Commitment tracker: %(count)d updates",
        len(items),
    ) % {"count": len(items)}
    told = _paragraphs(items)
    paragraphs = [text for text, _count in told[:ITEMS_PER_MESSAGE]]
    if len(told) > ITEMS_PER_MESSAGE:
        more = sum(count for _text, count in told[ITEMS_PER_MESSAGE:])
        paragraphs.append(
            ngettext("… and %(count)d more.", "… and %(count)d more.", more) % {"count": more}
        )
    footer = _("Choose what you are told, and where: %(url)s") % {
        "url": absolute_url(reverse("tracker:notifications"))
    }
    return title, "\n\n".join([*paragraphs, footer])
