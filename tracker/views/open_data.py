"""The open dataset's page and files (issue 22): what `tracker.open_data` writes, served to
anyone, with Cache-Control public (and an ETag where the answer is not streamed)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import open_data, selectors
from .public import public_response


def _context() -> dict:
    return open_data.codebook() | {"codebook_name": open_data.CODEBOOK_NAME}


@require_GET
@public_response
def open_data_page(request: HttpRequest) -> HttpResponse:
    context = _context() | {"agreement_count": selectors.agreements_public().count()}
    return render(request, "tracker/public_open_data.html", context)


@require_GET
@public_response
def codebook_page(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/public_codebook.html", _context())


@require_GET
@public_response
def codebook_file(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(open_data.codebook_text(), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{open_data.CODEBOOK_NAME}"'
    return response


@require_GET
@public_response
def commitments_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed, a thousand commitments read at a time: no ETag (the body is not known
    before it is sent), Cache-Control public all the same."""
    response = StreamingHttpResponse(
        open_data.csv_lines(settings.SITE_URL), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{open_data.CSV_NAME}"'
    return response


@require_GET
@public_response
def agreements_json(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed, agreements read a batch at a time (`open_data.JSON_BATCH`): no ETag."""
    response = StreamingHttpResponse(
        open_data.json_chunks(), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{open_data.JSON_NAME}"'
    return response
