"""Entries a feed reader pushes (Miniflux's webhook): checked, read and recorded like a
watched feed's, without fetching anything (this runs in a request).

Miniflux signs the raw body with HMAC-SHA256 under the secret shown in its settings
(`X-Miniflux-Signature`, hex) and names the event in `X-Miniflux-Event-Type`; a
`new_entries` body is `{"event_type", "feed": {...}, "entries": [{"url", "title",
"content", "published_at", ...}]}`. Only `new_entries` is taken.
"""

import hashlib
import hmac
import json
import time
from datetime import datetime

from django.utils import timezone

from .. import services
from ..models import FetchOutcome, WatchedSource, WatchRun
from ..models.sources import EXCERPT
from .feeds import TITLE, Entry, canonical_url, plain_text
from .watch import Figures, record, take_entries

ENTRIES = 50  # entries one delivery may carry; the rest are counted as skipped


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def signature_ok(source: WatchedSource, body: bytes, signature: str) -> bool:
    expected = hmac.new(source.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(source.webhook_secret) and hmac.compare_digest(expected, signature.strip())


def entries_from(body: bytes) -> tuple[list[Entry], int]:
    """The usable entries of a `new_entries` body and how many were skipped."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The body is not JSON.") from None
    raw = payload.get("entries") if isinstance(payload, dict) else None
    if not isinstance(raw, list):
        raise Refused(400, "The body has no list of entries.")
    entries, skipped = [], 0
    for item in raw:
        entry = _entry(item) if isinstance(item, dict) else None
        if entry is None or len(entries) >= ENTRIES:
            skipped += 1
        else:
            entries.append(entry)
    return entries, skipped


def _entry(item: dict) -> Entry | None:
    url = canonical_url(str(item.get("url") or ""))
    title = plain_text(str(item.get("title") or ""), TITLE)
    if url is None or not title:
        return None
    published_on = None
    try:
        published = datetime.fromisoformat(str(item.get("published_at") or ""))
        published_on = timezone.localdate(published) if timezone.is_aware(published) else None
    except (ValueError, OverflowError):
        published_on = None
    if published_on and published_on > timezone.localdate():
        published_on = None
    return Entry(
        canonical_url=url,
        title=title,
        excerpt=plain_text(str(item.get("content") or ""), EXCERPT),
        published_on=published_on,
    )


def receive(source: WatchedSource, body: bytes) -> WatchRun:
    """Record a delivery as a run of its own: the entries new to the tracker matched and
    proposed, the figures kept as for a fetch."""
    started = time.monotonic()
    entries, skipped = entries_from(body)
    run = services.watch_run_start(at=timezone.now())
    figures = Figures(fetched=len(entries) + skipped, skipped=skipped)
    take_entries(source, entries, figures, fetch_pages=False)
    record(source, run, FetchOutcome.OK, figures, started)
    return services.watch_run_finish(run=run, at=timezone.now())
