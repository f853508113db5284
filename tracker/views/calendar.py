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
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..ical import DeadlinesFeed, deadlines_calendar, feed_etag
from ..models import User
from ..ratelimit import rate_limit_wait
from .common import member_required


def _get_user_for_token(token: str) -> User:
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    return user


def _feed_for(user: User) -> DeadlinesFeed:
    today = timezone.localdate()
    first_day, last_day = selectors.calendar_window(today)
    limit = settings.CALENDAR_FEED_MAX_EVENTS
    deadlines = selectors.calendar_deadlines(user, today=today, limit=limit + 1)
    return DeadlinesFeed(
        site_url=settings.SITE_URL,
        settings_path=reverse("tracker:calendar-settings"),
        today=today,
        first_day=first_day,
        last_day=last_day,
        max_events=limit,
        deadlines=tuple(deadlines[:limit]),
        more=len(deadlines) > limit,
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The deadlines the token's owner may see within the window, at most the limit, as
    iCalendar; 304 when the app's copy is current, 429 when fetched too often."""
    wait = rate_limit_wait(
        "calendar",
        token,
        limit=settings.CALENDAR_FEED_RATE_LIMIT,
        seconds=settings.CALENDAR_FEED_RATE_SECONDS,
    )
    if wait is not None:
        response = HttpResponse(
            f"This calendar was fetched too often: try again in {wait} s.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    user = _get_user_for_token(token)
    selectors.read_access(user)
    feed = _feed_for(user)
    etag = feed_etag(feed)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(
            deadlines_calendar(feed), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["ETag"] = etag
    # The URL is a secret: no shared cache may keep it, no search engine may list it.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _duration(seconds: int) -> str:
    if seconds % 60:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = seconds // 60
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def calendar_feed_url(user: User) -> str:
    return settings.SITE_URL + reverse("tracker:calendar-feed", args=[user.calendar_token])


@member_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's feed URL; POST action=reset gives a new one and retires the old."""
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.user_reset_calendar_token(user=request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("tracker:calendar-settings")
    feed_url = calendar_feed_url(request.user)
    today = timezone.localdate()
    first_day, last_day = selectors.calendar_window(today)
    limit = settings.CALENDAR_FEED_MAX_EVENTS
    return render(
        request,
        "tracker/calendar_settings.html",
        {
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "first_day": first_day,
            "last_day": last_day,
            "max_events": f"{limit:,}",
            "more": selectors.calendar_exceeds(request.user, today=today, limit=limit),
            "rate_limit": settings.CALENDAR_FEED_RATE_LIMIT,
            "rate_window": _duration(settings.CALENDAR_FEED_RATE_SECONDS),
            "followed_feed_url": settings.SITE_URL
            + reverse("tracker:followed-feed", args=[request.user.calendar_token]),
        },
    )
