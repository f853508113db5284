from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..models import WatchedSource
from ..sources.webhook import Refused, receive, signature_ok

EVENT = "new_entries"


@csrf_exempt  # signed by the feed reader instead
@require_POST
def source_webhook(request: HttpRequest, pk: int) -> JsonResponse:
    """Entries pushed by a feed reader (Miniflux) for one source with a webhook secret: 404
    for a source without one, 403 for a bad signature, 413 past the size cap, 400 for a body
    that is not entries; otherwise the run's figures. Nothing is fetched here."""
    source = WatchedSource.objects.filter(pk=pk, enabled=True).exclude(webhook_secret="").first()
    if source is None:
        return JsonResponse({"detail": "No such webhook."}, status=404)
    if len(request.body) > settings.SOURCES_MAX_BYTES:
        return JsonResponse({"detail": "The body is too large."}, status=413)
    if not signature_ok(source, request.body, request.headers.get("X-Miniflux-Signature", "")):
        return JsonResponse({"detail": "The signature does not match."}, status=403)
    if request.headers.get("X-Miniflux-Event-Type", EVENT) != EVENT:
        return JsonResponse({"detail": "Only new_entries is taken.", "proposed": 0})
    try:
        run = receive(source, request.body)
    except Refused as refused:
        return JsonResponse({"detail": refused.detail}, status=refused.status)
    return JsonResponse(
        {"fetched": run.fetched, "new": run.new, "proposed": run.proposed, "skipped": run.skipped}
    )
