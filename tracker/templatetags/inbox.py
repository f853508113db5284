"""The evidence inbox's one tag: an item's text with the words it shares with the commitment
marked, so that the analyst sees why it was proposed."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, words) -> SafeString:
    """`text` escaped, each whole occurrence of one of `words` (any case) in `<mark>`."""
    text = str(text or "")
    wanted = sorted({str(word) for word in words or () if str(word).strip()}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(word) for word in wanted) + r")(?!\w)", re.IGNORECASE
    )
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[start : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        start = match.end()
    pieces.append(escape(text[start:]))
    return mark_safe("".join(pieces))
