"""A user's own settings: secret tokens and digest preferences."""

from collections.abc import Iterable

from django.db import transaction
from rest_framework.authtoken.models import Token

from ..models import (
    Agreement,
    DigestScope,
    User,
)
from ..models.users import new_calendar_token


def user_reset_calendar_token(*, user: User) -> str:
    """Give the user a new calendar-feed secret; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def user_reset_api_token(*, user: User) -> str:
    """Create the user's API token, or replace it: the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def agreement_set_followed(*, agreement: Agreement, by: User, follow: bool) -> None:
    """Follow or stop following an agreement the user may see; doing it twice is harmless."""
    if follow:
        by.followed_agreements.add(agreement)
    else:
        by.followed_agreements.remove(agreement)


@transaction.atomic
def user_set_digest_preferences(
    *, user: User, enabled: bool, scope: str, followed: Iterable[Agreement] | None = None
) -> User:
    """Turn the weekly digest on or off and choose what it covers.

    `followed` replaces the followed agreements among those given; the caller passes only
    agreements the user may see (the form offers no others).
    """
    user.digest_enabled = enabled
    user.digest_scope = DigestScope(scope)
    user.save(update_fields=["digest_enabled", "digest_scope"])
    if followed is not None:
        user.followed_agreements.set(followed)
    return user


def user_set_language(*, user: User, language: str) -> User:
    """The language of the user's pages, digest and notifications; "" follows the browser.
    One of settings.LANGUAGES, else ValidationError and nothing saved (no history: a user's
    own settings have none)."""
    user.language = User._meta.get_field("language").clean(language, user)
    user.save(update_fields=["language"])
    return user


def user_unsubscribe_digest(*, user: User) -> bool:
    """Turn the digest off (the one-click link); True if it was on."""
    return User.objects.filter(pk=user.pk, digest_enabled=True).update(digest_enabled=False) == 1
