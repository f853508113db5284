"""The commitment page's history, written in Python: its status changes, deadline extensions
and overdue flags (its evidence by `tracker.evidence_entry`), and each party's changes under
"Status by party". The template's loops wrote each entry through two dozen lookups, filters
and translations; here the words are translated once per language and each entry is one
function. The markup is the template's: user text escaped and isolated (`<bdi>`, or a
`dir="auto"` block), the app's words and badges as they are."""

from functools import cache

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from ..markup import escaped
from .tracker import (
    _lines,
    _local_times,
    evidence_entry,
    history_time,
    history_writers,
    status_badge,
)

register = template.Library()


@cache
def _words_in(language: str) -> dict:
    """The entries' words in `language`, translated once per process (the code's words). As
    in the template, the message ids of `{% translate %}` and of the `_("…")` defaults are
    the app's markup (not escaped); the values put into a message are escaped."""
    with translation.override(language):
        words = {
            "someone": gettext("someone"),
            "none": gettext("none"),
            "moved part": gettext(
                "moved the part of <bdi>%(party)s</bdi> from %(from_badge)s to %(to_badge)s"
            ),
            "moved": gettext("moved it from %(from_badge)s to %(to_badge)s"),
            "unmet": gettext("Implemented with completion criteria unmet, because:"),
            "citing": gettext("Citing evidence of %(day)s: <bdi>%(summary)s</bdi>"),
            "extended": gettext("Deadline extended"),
            "extension": gettext(
                "by <strong><bdi>%(who)s</bdi></strong>: from %(previous)s "
                "(“<bdi>%(previous_wording)s</bdi>”) to %(new)s (“<bdi>%(new_wording)s</bdi>”)"
            ),
            "source": gettext("Source:"),
            "flagged": gettext("Flagged overdue"),
            "period missed": gettext("%(period)s: nothing recorded by %(day)s."),
            "date passed": gettext("the due date %(day)s passed."),
            "cleared": gettext("Overdue flag cleared"),
            "whole": gettext("(the whole commitment)"),
            "citing of": gettext("Citing evidence of"),
        }
    return words | history_writers(language)


def _words() -> dict:
    return _words_in(translation.get_language() or settings.LANGUAGE_CODE)


def _who(user, words: dict) -> str:
    """The user's name, escaped; "someone" (the app's word) for none."""
    return (escaped(user.get_username()) if user else "") or words["someone"]


def _summary(evidence) -> str:
    """A cited piece of evidence's summary as the template's `truncatechars:80` gives it."""
    return escaped(Truncator(evidence.summary).chars(80))


@register.simple_tag(takes_context=True)
def history_entry(context, entry) -> str:
    """An item of the history: a piece of evidence (`tracker.evidence_entry`), a status
    change, a deadline extension, an overdue flag or its clearing."""
    if entry.kind == "evidence":
        return evidence_entry(context, entry.item, entry.at)
    words = _words()
    local = _local_times(context)
    write = {
        "status": _status_change,
        "extension": _extension,
        "flagged": _flagged,
        "cleared": _cleared,
    }[entry.kind]
    parts = [
        f'<li class="history-{escaped(entry.kind)}">',
        history_time(local(entry.at), words),
        *write(entry.item, words, local),
        "</li>",
    ]
    return SafeString("\n".join(parts))


def _status_change(change, words: dict, local) -> list[str]:
    badges = {
        "from_badge": status_badge(change.from_status),
        "to_badge": status_badge(change.to_status),
    }
    if change.party:
        moved = words["moved part"] % {"party": escaped(change.party.code), **badges}
    else:
        moved = words["moved"] % badges
    parts = [
        f"<p><strong><bdi>{_who(change.changed_by, words)}</bdi></strong> {moved}</p>",
        f'<p class="reason"><span class="user-block" dir="auto">{_lines(change.reason)}</span></p>',
    ]
    if change.unmet_criteria_reason:
        parts.append(
            f'<p class="reason unmet-criteria">{words["unmet"]} <span class="user-block" '
            f'dir="auto">{_lines(change.unmet_criteria_reason)}</span></p>'
        )
    if change.evidence:
        evidence = change.evidence
        citing = words["citing"] % {
            "day": escaped(words["day"](local(evidence.logged_at))),
            "summary": _summary(evidence),
        }
        parts.append(f'<p class="muted">{citing}</p>')
    return parts


def _extension(extension, words: dict, local) -> list[str]:
    previous = words["day"](extension.previous_due_on)
    moved = words["extension"] % {
        "who": _who(extension.recorded_by, words),
        "previous": escaped(previous) if previous else words["none"],
        "previous_wording": escaped(extension.previous_wording),
        "new": escaped(words["day"](extension.new_due_on)),
        "new_wording": escaped(extension.new_wording),
    }
    parts = [
        f'<p><span class="badge soon">{words["extended"]}</span> {moved}</p>',
        f'<p class="reason"><span class="user-block" dir="auto">{_lines(extension.reason)}</span>'
        "</p>",
    ]
    if extension.source_url:
        shown = escaped(extension.source_title or extension.source_url)
        source = (
            f'<a href="{escaped(extension.source_url)}" rel="noopener noreferrer nofollow">'
            f"<bdi>{shown}</bdi></a>"
        )
    elif extension.source_title:
        source = f"<bdi>{escaped(extension.source_title)}</bdi>"
    else:
        return parts
    parts.append(f'<p class="muted">{words["source"]} {source}</p>')
    return parts


def _flagged(flag, words: dict, local) -> list[str]:
    day = escaped(words["day"](flag.due_on))
    period = getattr(flag, "period_label", "")  # a recurring commitment's (the view's)
    if period:
        said = words["period missed"] % {"period": escaped(period), "day": day}
    else:
        said = words["date passed"] % {"day": day}
    return [f'<p><span class="badge late">{words["flagged"]}</span> {said}</p>']


def _cleared(flag, words: dict, local) -> list[str]:
    reason = escaped(str(flag.get_clear_reason_display()).lower())
    return [f'<p><span class="badge ok">{words["cleared"]}</span> {reason}.</p>']


@register.simple_tag(takes_context=True)
def obligation_change(context, change) -> str:
    """An item of a party's changes under "Status by party": its time, the move, whose, the
    reason and the evidence cited."""
    words = _words()
    local = _local_times(context)
    whole = "" if change.party_id else f' <span class="muted">{words["whole"]}</span>'
    parts = [
        '<li class="history-status">',
        history_time(local(change.changed_at), words),
        f"<p>{status_badge(change.from_status)} → {status_badge(change.to_status)}{whole}"
        f" · <bdi>{_who(change.changed_by, words)}</bdi></p>",
        f'<p class="reason"><span class="user-block" dir="auto">{_lines(change.reason)}</span></p>',
    ]
    if change.evidence:
        evidence = change.evidence
        day = escaped(words["day"](local(evidence.logged_at)))
        link = f'<a href="#evidence-{escaped(evidence.pk)}"><bdi>{_summary(evidence)}</bdi></a>'
        parts.append(f'<p class="muted">{words["citing of"]} {day}: {link}</p>')
    parts.append("</li>")
    return SafeString("\n".join(parts))
