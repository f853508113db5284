"""Helpers the views share: access checks that 404 what a user may not see, pagination."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .. import pagecache, selectors
from ..models import Agreement, Commitment, User


def member_required(view: Callable) -> Callable:
    """Signed in and holding a role; anonymous users go to the login page, users without a
    role get 403. The role and the teams are read once per request, in one query: the header
    shows the role, and every page asks which agreements the user may see."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        selectors.read_access(request.user)
        if request.user.role is None:
            raise PermissionDenied("Your account has no role yet; ask an administrator.")
        return view(request, *args, **kwargs)

    return wrapper


def get_agreement_for_user(user: User, slug: str) -> Agreement:
    """The agreement, its parties read, or 404 when it does not exist or the user may not see
    it. Cached until the data changes for everyone who sees the same agreements: the
    visibility rule costs more to build than a whole cached page to serve."""
    return pagecache.cached_value(
        ("agreement", slug, selectors.visibility_scope(user)),
        lambda: get_object_or_404(
            selectors.agreements_visible_to(user).prefetch_related("parties"), slug=slug
        ),
    )


def get_commitment_for_user(user: User, pk: int, *, warnings: bool = True) -> Commitment:
    """The commitment, its agreement, deadline milestone and responsible parties read, or 404.

    With its warnings (at risk, stale, blocked), read fresh, unless told otherwise; without
    them it is cached like an agreement (`get_agreement_for_user`)."""

    def commitments():  # built only when read: even unevaluated, it costs a millisecond
        return (
            selectors.commitments_visible_to(user)
            .select_related("agreement", "deadline_milestone")
            .prefetch_related("responsible_parties")
        )

    if not warnings:
        return pagecache.cached_value(
            ("commitment", pk, selectors.visibility_scope(user)),
            lambda: get_object_or_404(commitments(), pk=pk),
        )
    today, now = timezone.localdate(), timezone.now()
    return get_object_or_404(selectors.with_warnings(commitments(), today=today, now=now), pk=pk)


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers a page or a fragment, so caches must key on HX-Request."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus the page number, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
