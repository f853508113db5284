"""The admin site. A signed-in user who may not enter it (a viewer or an analyst: not staff)
is told so in the app's layout, with a way back; Django's admin would show them its sign-in
form, as if another password would help. Anyone not signed in still gets that form."""

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers


class TrackerAdminSite(admin.AdminSite):
    site_header = "Commitment tracker"
    site_title = "Commitment tracker"
    index_title = "Data entry"
    site_url = "/"

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        admitted = super().admin_view(view, cacheable)

        @wraps(admitted)
        def admitted_or_refused(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if self._refuses(request):
                return self._refusal(request)
            return admitted(request, *args, **kwargs)

        return admitted_or_refused

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if self._refuses(request):
            return self._refusal(request)
        return super().login(request, extra_context)

    def _refuses(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated and not self.has_permission(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse:
        response = TemplateResponse(request, "tracker/admin_refused.html", status=403)
        add_never_cache_headers(response)
        return response
