"""A member's private Atom feed of the agreements they follow (issue 22): every status change
and new piece of evidence, as they see them in the app (names, retracted content), at a
secret address. Feed readers fetch without signing in, so the key is the user's calendar
token (the same secret as `/calendar/<token>.ics`; resetting it on the calendar page retires
both addresses), with the calendar's rate limit, and nothing any shared cache may keep."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from .. import selectors
from ..models import User
from ..ratelimit import rate_limit_wait
from ..routes import object_url
from .calendar import _get_user_for_token
from .public_feeds import AllPublicFeed


class FollowedFeed(AllPublicFeed):
    def get_object(self, request: HttpRequest, token: str) -> User:
        user = _get_user_for_token(token)
        selectors.read_access(user)
        return user

    def title(self, user: User) -> str:
        return gettext("Commitment tracker: the agreements you follow")

    def subtitle(self, user: User) -> str:
        return gettext(
            "Every status change and new piece of evidence of the agreements you follow."
        )

    def link(self, user: User) -> str:
        return reverse("tracker:preferences")

    def feed_url(self, user: User) -> str:
        return reverse("tracker:followed-feed", args=[user.calendar_token])

    def items(self, user: User):
        followed = User.followed_agreements.through.objects.filter(user_id=user.pk)
        agreements = selectors.agreements_visible_to(user).filter(
            pk__in=followed.values("agreement_id")
        )
        return selectors.feed_entries(
            agreements=agreements, limit=settings.PUBLIC_FEED_ENTRIES, internal=True
        )

    def item_link(self, entry) -> str:
        anchor = entry.uid if entry.kind == "evidence" else "history"
        return f"{object_url('tracker:commitment-detail', entry.commitment_id)}#{anchor}"


@require_GET
def followed_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed; 304 when the reader's copy is current, 429 when fetched too often."""
    wait = rate_limit_wait(
        "followed-feed",
        token,
        limit=settings.CALENDAR_FEED_RATE_LIMIT,
        seconds=settings.CALENDAR_FEED_RATE_SECONDS,
    )
    if wait is not None:
        response = HttpResponse(
            f"This feed was fetched too often: try again in {wait} s.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    response = FollowedFeed()(request, token=token)
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    # The URL is a secret: no shared cache may keep it, no search engine may list it.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return get_conditional_response(request, etag=etag, response=response) or response
