"""Swagger UI at /api/docs/ under the app's Content-Security-Policy.

drf-spectacular's page runs its start-up script and a few styles inline, which the policy
(`script-src 'self'`, `style-src 'self'`) refuses, leaving a blank page. This page loads
Swagger UI's files from drf-spectacular-sidecar as before, starts it from a static file
(`static/js/api-docs.js`) and hands that file its settings as JSON data, which the browser
reads but never runs.
"""

from django.middleware.csrf import get_token
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response


class SwaggerUIView(SpectacularSwaggerView):
    template_name = "tracker/api_docs.html"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args, **kwargs) -> Response:
        config = {
            "url": self._get_schema_url(request),
            "settings": spectacular_settings.SWAGGER_UI_SETTINGS,
            # "Try it out" signed in uses the session, so unsafe methods need the token.
            "csrfHeaderName": self._get_csrf_header_name(),
            "csrfToken": get_token(request),
        }
        data = {
            "title": self.title,
            "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
            "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
            "config": config,
        }
        return Response(data, template_name=self.template_name)
