"""Which language a request is answered in (issue 23).

A signed-in user's choice (`User.language`) first; else the language cookie Django's
`set_language` leaves (the header's switcher); else the browser's Accept-Language; else
`settings.LANGUAGE_CODE`. The public pages are one page for everyone, kept by shared caches
(docs/public.md): they read Accept-Language alone, never the user or a cookie, and say so
with `Vary: Accept-Language` (which LocaleMiddleware adds to every answer).
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# Where the answer must not depend on who asks (tracker/urls.py mounts public_patterns here).
SHARED_PREFIXES = ("/public/",)


def supported_language(code: str | None) -> str | None:
    """`code` as one of settings.LANGUAGES ("fr-CA" gives "fr"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_from_accept(header: str) -> str:
    """The first language of an Accept-Language header that the site has, else the default."""
    for code, _quality in parse_accept_lang_header(header):
        if code != "*" and (language := supported_language(code)):
            return language
    return settings.LANGUAGE_CODE


def language_for(request: HttpRequest) -> str:
    if request.path_info.startswith(SHARED_PREFIXES):
        return language_from_accept(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    # Only a request with a session can have a signed-in user: the others (calendar apps,
    # health probes) are answered without reading a session, so without `Vary: Cookie`.
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    user = getattr(request, "user", None) if has_session else None
    if (
        user is not None
        and user.is_authenticated
        and (language := supported_language(user.language))
    ):
        return language
    return translation.get_language_from_request(request)


class UserLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Vary and Content-Language on the answer) choosing by
    `language_for`. No i18n_patterns: the address of a page is the same in every language.
    The language is put back to the default when the answer leaves, so that nothing run
    later in the same thread (a test, a job) inherits a reader's language."""

    async_capable = False

    def __call__(self, request: HttpRequest):
        try:
            return super().__call__(request)
        finally:
            translation.deactivate()

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(language_for(request))
        request.LANGUAGE_CODE = translation.get_language()
