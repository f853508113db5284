"""The deadlines calendar feed at a secret per-user URL, and the page that shows and resets it.

Calendar apps fetch the feed without signing in, so the URL's token is the only key: it is
long and random, compared by the database's unique index, and reset in one click.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..ical import deadlines_calendar
from ..models import User
from .common import member_required


def _get_user_for_token(token: str) -> User:
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    return user


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every deadline the token's owner may see, as iCalendar."""
    user = _get_user_for_token(token)
    content = deadlines_calendar(
        selectors.calendar_deadlines(user).iterator(chunk_size=500),
        site_url=settings.SITE_URL,
        stamp=timezone.now(),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    # The URL is a secret: no shared cache may keep it, no search engine may list it.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def calendar_feed_url(user: User) -> str:
    return settings.SITE_URL + reverse("tracker:calendar-feed", args=[user.calendar_token])


@member_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's feed URL; POST action=reset gives a new one and retires the old."""
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.user_reset_calendar_token(user=request.user)
        messages.success(request, "Your calendar has a new address; the old one no longer works.")
        return redirect("tracker:calendar-settings")
    feed_url = calendar_feed_url(request.user)
    return render(
        request,
        "tracker/calendar_settings.html",
        {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]},
    )
