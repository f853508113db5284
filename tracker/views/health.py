from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..health import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while pages can answer (`ok`, or `degraded`
    when the broker or the scheduler is down and only the jobs wait), 503 when the database
    cannot be reached; the JSON says which part is which (docs/operations.md)."""
    report = health()
    return JsonResponse(report.as_dict(), status=503 if report.status == "down" else 200)
