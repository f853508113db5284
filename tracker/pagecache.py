"""Whole fragments of expensive pages, cached until the data changes.

Every write bumps one version (`data_changed`): model saves, deletes and many-to-many
changes of this app through signals (`apps.TrackerConfig.ready`), and the set-based writes
that bypass them (the overdue scan, retractions, recounts) by calling it themselves. A
fragment's cache key carries the version, so a change makes every older fragment unreachable;
nothing is ever served stale, and nothing needs deleting.

The version is a random token, not a counter or a clock, so that a version lost from the cache
(evicted, or the cache restarted) can never be reused by accident. Keys name the database, so
that two databases on one cache never share fragments.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string

FRAGMENT_SECONDS = 600


def _version_key() -> str:
    return f"tracker:{settings.DATABASES['default']['NAME']}:data-version"


def data_version() -> str:
    version = cache.get(_version_key())
    if version is None:
        cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key())
    return version


def data_changed() -> None:
    """Called after every write: every cached fragment is out of date from now on."""
    cache.set(_version_key(), uuid.uuid4().hex, timeout=None)


def data_changed_on_commit(**kwargs) -> None:
    """As a signal receiver, or after a set-based write: bump now, so that the writer's own
    next read is fresh, and again when the transaction commits, so that a fragment another
    request cached in between (from the data before the commit) is never served."""
    data_changed()
    transaction.on_commit(data_changed)


def fragment_key(name: str, *parts) -> str:
    return ":".join(["tracker", "fragment", name, data_version(), *map(str, parts)])


def cached_fragment(
    request: HttpRequest, template: str, key: tuple, context: Callable[[], dict]
) -> tuple[str, dict]:
    """The rendered `template` for the cache key `key` (name and parts), rendered from
    `context()` only when it is not cached. Returns the fragment and the context it was
    rendered from (empty when it came from the cache)."""
    cache_key = fragment_key(*key)
    content = cache.get(cache_key)
    if content is not None:
        return content, {}
    values = context()
    content = render_to_string(template, values, request)
    cache.set(cache_key, content, FRAGMENT_SECONDS)
    return content, values
