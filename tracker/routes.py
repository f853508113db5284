"""Addresses reversed once per URL configuration and script prefix (SCRIPT_NAME) rather than
once per link: a page lists dozens of links and every page's header fourteen, and `reverse`
walks the URL patterns each time. They follow from the URL patterns, which are code, and
those two alone, so no request or write can make them stale. `route_url` for a route
without arguments; `object_url` for one object's page, a route with one argument that the
value fills as it is (an id or a slug)."""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# Accepted by the int and the slug converters alike.
_PLACEHOLDER = "0"


# Bounded, though route names are the code's own: a URL configuration and a script prefix
# come from the server, one or two of each.
@lru_cache(maxsize=1024)
def _reversed(name: str, urlconf: str, script_prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@lru_cache(maxsize=1024)
def _route(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    head, _, tail = url.rpartition(f"/{_PLACEHOLDER}/")
    return f"{head}/", f"/{tail}"


def _where() -> tuple[str, str]:
    # The site's URL configuration: no view sets one of its own for a request.
    return settings.ROOT_URLCONF, get_script_prefix()


def route_url(name: str) -> str:
    """`reverse(name)` for a route without arguments."""
    return _reversed(name, *_where())


def route_urls() -> Callable[[str], str]:
    """`route_url` for many routes (a page's header): the URL configuration and the script
    prefix read once."""
    where = _where()
    return lambda name: _reversed(name, *where)


def object_url(name: str, value: int | str) -> str:
    """`reverse(name, args=[value])` for an id or a slug."""
    return object_urls(name)(value)


def object_urls(name: str) -> Callable[[int | str], str]:
    """`object_url` for a list's many objects of one route: the script prefix read once."""
    head, tail = _route(name, *_where())
    return lambda value: f"{head}{value}{tail}"
