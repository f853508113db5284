from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors
from ..exports import TABLE_FORMATS, commitment_url, table_response
from ..forms import OverdueFilterForm
from ..models import Party
from ..models.base import english_display
from .common import WeightedPaginator, member_required, query_without_page

# A page holds whole agreements, as many as have about this many overdue commitments.
OVERDUE_PER_PAGE = 60
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
# What the rows read of each commitment (`days_overdue` reads the status and due date).
CSV_COMMITMENT_FIELDS = ("reference", "title", "status", "timeline_wording", "due_on")


@member_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Every overdue commitment the user may see, by agreement then party late on it (its
    own status still open), with that party's status.

    A page is a few whole agreements, as many as their kept overdue counts fit
    OVERDUE_PER_PAGE, so that no agreement is cut between two pages, a page has about as many
    rows whatever the agreements' sizes, and no request sorts every overdue row of the
    database."""
    form = OverdueFilterForm(request.GET or None, parties=Party.objects.order_by("name"))
    filters = form.filters()
    if request.GET.get("format") in TABLE_FORMATS:
        rows = selectors.overdue_by_party(request.user, filters=filters)
        return _table(request, rows, request.GET["format"])
    agreements = selectors.overdue_agreements(request.user, filters=filters)
    paginator = WeightedPaginator(
        list(agreements.values_list("pk", "overdue_count")), OVERDUE_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    groups = selectors.overdue_groups(
        request.user, filters=filters, agreement_ids=list(page), today=timezone.localdate()
    )
    context = {
        "form": form,
        "page": page,
        "groups": groups,
        "query": query_without_page(request),
    }
    return render(request, "tracker/overdue.html", context)


def _table(request: HttpRequest, rows, fmt: str) -> HttpResponse:
    """What the page shows, every page of it, as CSV (streamed row by row) or XLSX."""
    today = timezone.localdate()

    # The page's rows, without what only the page shows (every responsible party of each),
    # and of each row only the fields exported (docs/benchmarks.md has what it saved).
    rows = rows.prefetch_related(None).only(
        *(f"commitment__{name}" for name in CSV_COMMITMENT_FIELDS),
        "commitment__agreement__title",
        "party__code",
        "status",
    )
    url = commitment_url(request)

    def cells():
        for row in rows.iterator(chunk_size=1000):
            commitment = row.commitment
            yield [
                commitment.agreement.title,
                row.party.code,
                commitment.reference,
                commitment.title,
                english_display(row, "status"),
                commitment.timeline_wording,
                commitment.due_on,
                commitment.days_overdue(today),
                url(commitment.pk),
            ]

    return table_response(fmt, CSV_COLUMNS, cells(), f"overdue-{today:%Y-%m-%d}")
