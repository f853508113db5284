"""Every error under /api/ is JSON, whoever answered it.

DRF answers its own errors in JSON; what Django answers around it does not: a path no URL
matches (Django's 404 page), an exception outside DRF's handling (the 500 page), Swagger UI's
405 (text) and the schema's (YAML). This middleware gives those a body of the schema's
`Error` shape, `{"detail": ...}`, in DRF's words, and keeps their status and headers
(`Allow`, `WWW-Authenticate`, `Retry-After`).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions

API_PREFIX = "/api/"
DETAILS = {
    400: exceptions.ParseError.default_detail,
    401: exceptions.NotAuthenticated.default_detail,
    403: exceptions.PermissionDenied.default_detail,
    404: exceptions.NotFound.default_detail,
    405: exceptions.MethodNotAllowed.default_detail,
    429: exceptions.Throttled.default_detail,
    500: exceptions.APIException.default_detail,
}
NOT_COPIED = {"content-type", "content-length"}


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        return json_error(request, response)


def json_error(request: HttpRequest, response: HttpResponse) -> JsonResponse:
    detail = DETAILS.get(response.status_code, response.reason_phrase)
    answer = JsonResponse(
        {"detail": str(detail).format(method=request.method)}, status=response.status_code
    )
    for header, value in response.items():
        if header.lower() not in NOT_COPIED:
            answer[header] = value
    answer.cookies = response.cookies
    return answer
