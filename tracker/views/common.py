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

from .. import selectors
from ..models import Agreement, Commitment, User


def member_required(view: Callable) -> Callable:
    """Signed in and holding a role; anonymous users go to the login page, users without a
    role get 403. The role is read once per request and shown in the header anyway."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role is None:
            raise PermissionDenied("Your account has no role yet; ask an administrator.")
        return view(request, *args, **kwargs)

    return wrapper


def get_agreement_for_user(user: User, slug: str) -> Agreement:
    """The agreement, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(selectors.agreements_visible_to(user), slug=slug)


def get_commitment_for_user(user: User, pk: int, *, warnings: bool = True) -> Commitment:
    """The commitment, with its warnings (at risk, stale, blocked) unless told otherwise
    (they cost milliseconds to build), or 404."""
    commitments = (
        selectors.commitments_visible_to(user)
        .select_related("agreement", "deadline_milestone")
        .prefetch_related("responsible_parties")
    )
    if warnings:
        today, now = timezone.localdate(), timezone.now()
        commitments = selectors.with_warnings(commitments, today=today, now=now)
    return get_object_or_404(commitments, pk=pk)


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
