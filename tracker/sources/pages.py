"""A new item's linked page, when its source asks for it (`fetch_pages`): fetched like a feed
(bounded, checked addresses) and read with trafilatura, which finds the article's text and
date among the page's menus and footers."""

from dataclasses import dataclass
from datetime import date

import trafilatura
from django.utils import timezone
from trafilatura.utils import decode_file

from .fetch import FetchError, fetch

PAGE_TEXT = 20_000  # characters of a page's text that matching reads


@dataclass(frozen=True)
class Page:
    text: str
    published_on: date | None


def page_text(url: str) -> Page | None:
    """The page's main text and date, or None when it cannot be fetched or read."""
    try:
        fetched = fetch(url)
    except FetchError:
        return None
    if "html" not in fetched.content_type.lower():
        return None
    document = decode_file(fetched.body)  # its declared or detected encoding
    text = trafilatura.extract(document, include_comments=False, include_tables=False) or ""
    metadata = trafilatura.extract_metadata(document)
    published_on = None
    if metadata is not None and metadata.date:
        try:
            published_on = date.fromisoformat(metadata.date[:10])
        except ValueError:
            published_on = None
    if published_on and published_on > timezone.localdate():
        published_on = None
    return Page(text=text[:PAGE_TEXT], published_on=published_on)
