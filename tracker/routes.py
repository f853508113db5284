"""The address of one object's page, its route reversed once (per script prefix) rather than
once per object: a page lists dozens of links, and `reverse` walks the URL patterns each
time. Only for routes with one argument that the value fills as it is (an id or a slug)."""

from collections.abc import Callable
from functools import cache

from django.urls import get_script_prefix, reverse

# Accepted by the int and the slug converters alike.
_PLACEHOLDER = "0"


@cache
def _route(name: str, script_prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_PLACEHOLDER])
    head, _, tail = url.rpartition(f"/{_PLACEHOLDER}/")
    return f"{head}/", f"/{tail}"


def object_url(name: str, value: int | str) -> str:
    """`reverse(name, args=[value])` for an id or a slug."""
    return object_urls(name)(value)


def object_urls(name: str) -> Callable[[int | str], str]:
    """`object_url` for a list's many objects of one route: the script prefix read once."""
    head, tail = _route(name, get_script_prefix())
    return lambda value: f"{head}{value}{tail}"
