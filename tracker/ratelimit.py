"""Counting requests per key in Django's "rate" cache, so that one client cannot take the
site's workers; failing open.

A limit protects the site and must never be the reason it fails: when the cache cannot be
reached the request goes through uncounted, and this process leaves that cache alone for
a while, so that a frozen server costs one short timeout (settings: `_rate_limit_cache`)
per process and pause rather than one per request.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 30
# By the cache's location: tests (and a changed setting) point the alias elsewhere.
_paused_until: dict[str, float] = {}


def rate_limit_wait(scope: str, key: str, *, limit: int, seconds: int) -> int | None:
    """Count one request for `key`: None while at most `limit` came within the current
    window of `seconds`, else the whole seconds until the next window (for Retry-After).

    Fixed windows (`cache.add` then `cache.incr`, atomic on Redis): a client can make twice
    the limit across a window's end, never more. The key is stored hashed, so it may be a
    secret (the calendar feed's token)."""
    location = str(settings.CACHES["rate"].get("LOCATION", ""))
    if time.monotonic() < _paused_until.get(location, 0):
        return None
    now = time.time()
    window = int(now // seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"{scope}:{digest}:{window}"
    cache = caches["rate"]
    try:
        cache.add(cache_key, 0, timeout=seconds)
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: the window has just ended
        return None
    except Exception:
        _paused_until[location] = time.monotonic() + PAUSE_SECONDS
        logger.warning(
            "Rate limits not counted for %s s: the cache does not answer",
            PAUSE_SECONDS,
            exc_info=True,
        )
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * seconds - now))
