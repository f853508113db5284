from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .. import services
from .common import member_required


@member_required
def api_token(request: HttpRequest) -> HttpResponse:
    """The user's API token for scripts; POST action=reset creates or replaces it."""
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.user_reset_api_token(user=request.user)
        messages.success(request, _("Your API token is ready; any previous one no longer works."))
        return redirect("tracker:api-token")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token.key if token else None,
        "created": token.created if token else None,
        "site_url": settings.SITE_URL,
    }
    return render(request, "tracker/api_token.html", context)
