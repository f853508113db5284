"""The digest's preferences page, following an agreement, and the one-click unsubscribe."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import digests, selectors, services
from ..forms import DigestPreferencesForm, LanguageForm
from ..models import DigestDelivery, NotificationChannel
from .common import get_agreement_for_user, member_required, vary_on_htmx

RECENT_DELIVERIES = 5


def _language_saved(request: HttpRequest, form: LanguageForm) -> HttpResponse:
    """Save the language, and say it in that language. The switcher's cookie follows (none
    when the user follows the browser), so the choice holds after signing out too."""
    language = form.cleaned_data["language"]
    services.user_set_language(user=request.user, language=language)
    with translation.override(language or None):
        messages.success(request, _("Your language is saved."))
    response = redirect("tracker:preferences")
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@member_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    posted_language = request.method == "POST" and request.POST.get("form") == "language"
    language_form = LanguageForm(
        request.POST if posted_language else None, initial={"language": user.language}
    )
    if posted_language and language_form.is_valid():
        return _language_saved(request, language_form)
    posted_digest = request.method == "POST" and not posted_language
    agreements = selectors.agreements_visible_to(user)
    form = DigestPreferencesForm(
        request.POST if posted_digest else None,
        agreements=agreements,
        initial={
            "digest_enabled": user.digest_enabled,
            "digest_scope": user.digest_scope,
            "followed_agreements": user.followed_agreements.filter(pk__in=agreements.values("pk")),
        },
    )
    if posted_digest and form.is_valid():
        services.user_set_digest_preferences(
            user=user,
            enabled=form.cleaned_data["digest_enabled"],
            scope=form.cleaned_data["digest_scope"],
            followed=form.cleaned_data["followed_agreements"],
        )
        messages.success(request, _("Your digest preferences are saved."))
        return redirect("tracker:preferences")
    deliveries = DigestDelivery.objects.filter(user=user).order_by("-week")[:RECENT_DELIVERIES]
    # A channel paused after failing again and again is told here as well as by e-mail.
    paused = NotificationChannel.objects.filter(user=user, paused_at__isnull=False)
    context = {
        "form": form,
        "language_form": language_form,
        "deliveries": deliveries,
        "paused_channels": paused,
    }
    return render(request, "tracker/preferences.html", context)


@member_required
@require_POST
def agreement_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """POST follow=1 or follow=0. A plain POST goes back to the agreement; htmx gets the button."""
    agreement = get_agreement_for_user(request.user, slug)
    if request.POST.get("follow") not in ("0", "1"):
        return HttpResponseBadRequest("Say follow=1 or follow=0.")
    follow = request.POST["follow"] == "1"
    services.agreement_set_followed(agreement=agreement, by=request.user, follow=follow)
    if request.htmx:
        context = {"agreement": agreement, "is_following": follow}
        return vary_on_htmx(render(request, "tracker/_follow_button.html", context))
    messages.success(
        request,
        (_("You follow “%(title)s”.") if follow else _("You no longer follow “%(title)s”."))
        % {"title": agreement.title},
    )
    return redirect(agreement)


# The signed token is the only credential, so a CSRF token adds nothing; RFC 8058 one-click
# POSTs from mail clients carry none.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST does it."""
    user = digests.user_for_unsubscribe_token(token)
    if user is None:
        response = render(request, "tracker/unsubscribe.html", {"invalid": True})
        response.status_code = 400
        return response
    done = request.method == "POST"
    if done:
        services.user_unsubscribe_digest(user=user)
    context = {"done": done, "subscribed": user.digest_enabled and not done, "token": token}
    return render(request, "tracker/unsubscribe.html", context)
