"""One pass of the watcher: each enabled source fetched (conditional GET), parsed, its new
items (never given by that source before) optionally read in full, matched and recorded with their
proposals; per source and per run what was fetched, new, proposed, skipped and failed.

A source that fails (unreachable, too slow, too large, not a feed, entities, a redirect to a
private address) gets its failure recorded and nothing else: the run goes on with the next.
Called by the Celery task `tracker.tasks.watch_sources` and `manage.py watch_sources`.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .. import services
from ..models import FeedItem, FetchOutcome, SourceFetch, WatchedSource, WatchRun
from ..models.sources import EXCERPT
from .feeds import Entry, FeedError, parse, plain_text
from .fetch import FetchError, fetch
from .matching import Matcher
from .pages import page_text

logger = logging.getLogger(__name__)


@dataclass
class Figures:
    fetched: int = 0
    new: int = 0
    proposed: int = 0
    skipped: int = 0


def watch(*, source_name: str | None = None) -> WatchRun:
    """Watch every enabled source (or the one named, enabled or not) once."""
    run = services.watch_run_start(at=timezone.now())
    sources = WatchedSource.objects.order_by("name")
    sources = sources.filter(name=source_name) if source_name else sources.filter(enabled=True)
    for source in sources:
        watch_source(source, run=run)
    return services.watch_run_finish(run=run, at=timezone.now())


def watch_source(source: WatchedSource, *, run: WatchRun) -> SourceFetch:
    started = time.monotonic()
    figures = Figures()
    try:
        fetched = fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
        if fetched.status == 304:
            return record(source, run, FetchOutcome.NOT_MODIFIED, figures, started)
        entries, figures.skipped = parse(fetched.body, limit=settings.SOURCES_MAX_ITEMS)
    except (FetchError, FeedError) as error:
        logger.warning("Source %s failed: %s", source.name, error)
        return record(source, run, FetchOutcome.FAILED, figures, started, error=str(error))
    figures.fetched = len(entries) + figures.skipped
    take_entries(source, entries, figures, fetch_pages=source.fetch_pages)
    return record(
        source,
        run,
        FetchOutcome.OK,
        figures,
        started,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def take_entries(
    source: WatchedSource, entries: list[Entry], figures: Figures, *, fetch_pages: bool
) -> None:
    """Match and record the entries this source has not given before (one query finds
    those); with `fetch_pages`, read each new entry's page first (the watcher only, never a
    request)."""
    urls = [entry.canonical_url for entry in entries]
    known = FeedItem.objects.filter(source=source, canonical_url__in=urls)
    seen = set(known.values_list("canonical_url", flat=True))
    agreement_ids = list(source.agreements.values_list("pk", flat=True))
    matcher = Matcher(agreement_ids=agreement_ids, language=source.language)
    for entry in entries:
        if entry.canonical_url in seen:
            figures.skipped += 1
            continue
        seen.add(entry.canonical_url)
        text, published_on = entry.excerpt, entry.published_on
        if fetch_pages:
            page = page_text(entry.canonical_url)
            if page is not None:
                text = f"{entry.excerpt}\n{page.text}"
                published_on = published_on or page.published_on
        item = services.NewItem(
            canonical_url=entry.canonical_url,
            title=entry.title,
            excerpt=entry.excerpt or _excerpt(text),
            published_on=published_on,
            matches=matcher.match(title=entry.title, text=text),
        )
        new, proposed = services.items_record(source=source, item=item, at=timezone.now())
        figures.new += new
        figures.proposed += proposed
        figures.skipped += not new


def _excerpt(text: str) -> str:
    return plain_text(text, EXCERPT)


def record(source, run, outcome, figures: Figures, started: float, **extra) -> SourceFetch:
    return services.source_fetch_record(
        run=run,
        source=source,
        outcome=outcome,
        at=timezone.now(),
        fetched=figures.fetched,
        new=figures.new,
        proposed=figures.proposed,
        skipped=figures.skipped,
        ms=round(1000 * (time.monotonic() - started)),
        **extra,
    )
