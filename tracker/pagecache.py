"""Whole fragments of expensive pages, cached until the data changes.

Every write bumps one version (`data_changed`): model saves, deletes and many-to-many
changes of this app and of auth's groups and permissions through signals
(`apps.TrackerConfig.ready`; except the writes no page shows: sign-ins, job runs, digest
deliveries), and the set-based writes that bypass them (the overdue scan, retractions,
recounts) by calling it themselves. A
fragment's cache key carries the version, so a change makes every older fragment unreachable;
nothing is ever served stale, and nothing needs deleting.

A fragment may hold forms: it is rendered with a placeholder where `{% csrf_token %}` would
put the user's token, and the placeholder is swapped for the requesting user's own token each
time it is served, so a cached form never carries (or leaks) somebody else's token.

The version is a random token, not a counter or a clock, so that a version lost from the cache
(evicted, or the cache restarted) can never be reused by accident. Keys name the database, so
that two databases on one cache never share fragments.
"""

import hashlib
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 600


# Within a request (`version_per_request`), the version is read once, not once per cached
# thing: the request sees the data as of its first read, as if it had run a moment earlier,
# and its own writes move it on.
_request_version: ContextVar[dict | None] = ContextVar("tracker_request_version", default=None)


def _version_key() -> str:
    return f"tracker:{settings.DATABASES['default']['NAME']}:data-version"


def data_version() -> str:
    memo = _request_version.get()
    if memo and "version" in memo:
        return memo["version"]
    version = cache.get(_version_key())
    if version is None:
        cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key())
    if memo is not None:
        memo["version"] = version
    return version


def data_changed() -> None:
    """Called after every write: every cached fragment is out of date from now on."""
    version = uuid.uuid4().hex
    cache.set(_version_key(), version, timeout=None)
    memo = _request_version.get()
    if memo is not None:
        memo["version"] = version


def version_per_request(get_response: Callable) -> Callable:
    """Middleware: one read of the data version per request (see `_request_version`)."""

    def middleware(request: HttpRequest):
        token = _request_version.set({})
        try:
            return get_response(request)
        finally:
            _request_version.reset(token)

    return middleware


def data_changed_on_commit(**kwargs) -> None:
    """As a signal receiver, or after a set-based write: bump now, so that the writer's own
    next read is fresh, and again when the transaction commits, so that a fragment another
    request cached in between (from the data before the commit) is never served."""
    data_changed()
    transaction.on_commit(data_changed)


def fragment_key(name: str, *parts) -> str:
    return ":".join(["tracker", "fragment", name, data_version(), *map(str, parts)])


def query_key(request: HttpRequest) -> str:
    """The request's query parameters, in any order, as a short key part."""
    items = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def listing_key(request: HttpRequest, name: str, *parts) -> tuple:
    """The key of a listing shared by everyone who sees the same agreements and asks for the
    same thing: `name`, `parts`, the reader's visibility scope and the query parameters."""
    from .selectors import visibility_scope

    return (name, *parts, visibility_scope(request.user), query_key(request))


@once
def _csrf_placeholder() -> str:
    """Stands for the CSRF token in cached fragments; the same in every process (derived from
    the secret key), and not guessable, so no user-entered text can contain it."""
    return "csrf-" + salted_hmac("tracker.pagecache", "csrf placeholder").hexdigest()


def cached_fragment(
    request: HttpRequest, template: str, key: tuple, context: Callable[[], dict]
) -> tuple[SafeString, dict]:
    """The rendered `template` for the cache key `key` (name and parts), rendered from
    `context()` only when it is not cached. Returns the fragment and the context it was
    rendered from (empty when it came from the cache).

    The key must name everything the fragment shows that is not the data itself: the day,
    the set of agreements the user may see, what the user may do, the query parameters."""
    cache_key = fragment_key(*key)
    content = cache.get(cache_key)
    values = {}
    if content is None:
        values = context()
        content = render_to_string(template, {**values, "csrf_token": _csrf_placeholder()}, request)
        cache.set(cache_key, content, FRAGMENT_SECONDS)
    if _csrf_placeholder() in content:
        content = content.replace(_csrf_placeholder(), get_token(request))
    return mark_safe(content), values


def cached_value(key: tuple, compute: Callable[[], object]):
    """`compute()`, cached like a fragment until the data changes (for the API's pages)."""
    cache_key = fragment_key(*key)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, FRAGMENT_SECONDS)
    return value
