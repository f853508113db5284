"""The header's language switcher (issue 23)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .. import services


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """POST language=<code> (and next=<address>): Django's `set_language` (its cookie, then
    back to `next` if it is on this site), and a signed-in user's choice saved, so that their
    e-mails and notifications follow. An unknown language is refused and changes nothing."""
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest(_("Choose one of the site's languages."))
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    return set_language(request)
