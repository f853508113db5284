"""A feed's bytes → plain-text items: feedparser reads RSS and Atom (and tolerates much that
is malformed); defusedxml refuses first any feed that declares entities (the billion laughs)
or names external ones. Every text is reduced to plain text and cut to the column it goes in:
titles and excerpts arrive with markup and script that nothing downstream should see."""

import html
import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags

from ..models.sources import EXCERPT
from ..models.validators import invisible_characters, web_url

TITLE = 300
URL = 500
# Query parameters that say how a reader arrived, not what the page is.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
SPACES = re.compile(r"\s+")


class FeedError(Exception):
    """The feed cannot be read (or must not be)."""


@dataclass(frozen=True)
class Entry:
    canonical_url: str
    title: str
    excerpt: str
    published_on: date | None


def plain_text(value: str, limit: int) -> str:
    """Markup and entities out, whitespace folded, invisible characters dropped, cut to
    `limit` characters at a word where one is near."""
    text = SPACES.sub(" ", html.unescape(strip_tags(html.unescape(value or ""))))
    text = "".join(char for char in text if not invisible_characters(char)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


def canonical_url(link: str) -> str | None:
    """The item's address without tracking parameters or fragment, host in lower case; None
    when it is not a web address the app would link to."""
    link = (link or "").strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, True) if not TRACKING.match(k)])
    netloc = parts.netloc.lower() if "@" not in parts.netloc else ""
    if not netloc:
        return None
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    if len(url) > URL:
        return None
    try:
        web_url(url)
    except ValidationError:
        return None
    return url


def refuse_entities(body: bytes) -> None:
    """Refuse a document that declares entities or loads external ones; a document that is
    merely malformed is left to feedparser, which reads what it can."""
    try:
        defused_fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused: the feed declares entities ({type(error).__name__})") from None
    except (ParseError, ValueError):
        pass


def parse(body: bytes, *, limit: int) -> tuple[list[Entry], int]:
    """The feed's first `limit` usable entries, and how many it held that were skipped (no
    web address, no title, or past the limit)."""
    refuse_entities(body)
    # A stream, never bytes: given bytes or a str, feedparser may take them for a file name.
    feed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=False)
    if feed.bozo and not feed.entries:
        problem = type(feed.get("bozo_exception")).__name__
        raise FeedError(f"not a feed: no entries could be read ({problem})")
    entries, skipped = [], 0
    for raw in feed.entries:
        entry = _entry(raw)
        if entry is None or len(entries) >= limit:
            skipped += 1
        else:
            entries.append(entry)
    return entries, skipped


def _entry(raw) -> Entry | None:
    url = canonical_url(raw.get("link", ""))
    title = plain_text(raw.get("title", ""), TITLE)
    if url is None or not title:
        return None
    summary = raw.get("summary", "")
    if not summary and raw.get("content"):
        summary = raw["content"][0].get("value", "")
    published = raw.get("published_parsed") or raw.get("updated_parsed")
    try:
        published_on = date(*published[:3]) if published else None
    except (TypeError, ValueError):
        published_on = None
    if published_on and published_on > timezone.localdate():
        published_on = None  # evidence is never dated in the future
    return Entry(
        canonical_url=url,
        title=title,
        excerpt=plain_text(summary, EXCERPT),
        published_on=published_on,
    )
