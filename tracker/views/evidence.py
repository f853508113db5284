from pathlib import PurePath

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .. import selectors
from .common import member_required


@member_required
@require_GET
def evidence_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence attachment, only for users who may see its agreement (404 otherwise).

    Always a download with a neutral content type, never shown inline, so that a file cannot
    act as a page of this site."""
    evidence = get_object_or_404(
        selectors.evidence_visible_to(request.user).exclude(attachment=""), pk=pk
    )
    name = evidence.attachment_name or PurePath(evidence.attachment.name).name
    response = FileResponse(
        evidence.attachment.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
