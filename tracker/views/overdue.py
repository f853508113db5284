import csv

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..exports import spreadsheet_safe
from ..forms import OverdueFilterForm
from ..models import Party
from .common import member_required, paginate, query_without_page

CSV_COLUMNS = [
    "agreement",
    "party",
    "reference",
    "title",
    "status",
    "timeline",
    "due_on",
    "days_overdue",
    "url",
]


@member_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Every overdue commitment the user may see, by agreement then responsible party."""
    form = OverdueFilterForm(request.GET or None, parties=Party.objects.order_by("name"))
    rows = selectors.overdue_by_party(request.user, filters=form.filters())
    if request.GET.get("format") == "csv":
        return _csv(request, rows)
    return render(
        request,
        "tracker/overdue.html",
        {
            "form": form,
            "page": paginate(request, rows, 100),
            "today": timezone.localdate(),
            "query": query_without_page(request),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: HttpRequest, rows) -> StreamingHttpResponse:
    """What the page shows, every page of it, as CSV streamed row by row."""
    today = timezone.localdate()
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for row in rows.iterator(chunk_size=1000):
            commitment = row.commitment
            yield writer.writerow(
                spreadsheet_safe(cell)
                for cell in [
                    commitment.agreement.title,
                    row.party.code,
                    commitment.reference,
                    commitment.title,
                    commitment.get_status_display(),
                    commitment.timeline_wording,
                    commitment.due_on.isoformat(),
                    commitment.days_overdue(today),
                    request.build_absolute_uri(commitment.get_absolute_url()),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overdue-{today:%Y-%m-%d}.csv"'
    return response
