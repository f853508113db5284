from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import charts, exports, selectors
from ..forms import AgreementFilterForm, CommitmentFilterForm
from ..models import Party
from ..routes import object_urls
from .common import (
    get_agreement_for_user,
    member_required,
    paginate,
    query_without_page,
    texts_for,
    vary_on_htmx,
)

# Commitments per page of the agreement's table: most agreements fit on one or two.
TABLE_ROWS = 25
AGREEMENT_ROWS = 25


@member_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements the user may see, searchable, filterable by party and status, sortable.

    An htmx request for the table (the filters) gets only the table back."""
    form = AgreementFilterForm(request.GET or None, parties=Party.objects.order_by("name"))
    agreements = selectors.agreements_filtered(
        selectors.agreements_visible_to(request.user),
        today=timezone.localdate(),
        filters=form.filters(),
    )
    page = paginate(request, selectors.agreements_listed(agreements), AGREEMENT_ROWS)
    page.object_list = selectors.with_team_list(list(page.object_list))
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
    }
    template = "tracker/agreement_list.html"
    if request.htmx and request.htmx.target == "agreements-table":
        template += "#agreements-table"
    return vary_on_htmx(render(request, template, context))


@member_required
@require_GET
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One agreement: parties, milestones, scores, chart, timeline and the commitments table.

    An htmx request for the table (the filters and sorting) gets only the table back.
    """
    table_only = bool(request.htmx and request.htmx.target == "commitments-table")
    agreement = get_agreement_for_user(
        request.user, slug, header=not table_only, lists=not table_only
    )
    today = timezone.localdate()
    lists = None if table_only else selectors.agreement_lists(agreement)
    # The table alone reads the parties only to check a party filter against them.
    if lists is not None:
        parties = lists["parties"]
    else:
        parties = list(agreement.parties.all()) if "party" in request.GET else []
    form = CommitmentFilterForm(request.GET or None, parties=parties)
    filters = form.filters()
    if request.GET.get("format") in exports.TABLE_FORMATS:
        commitments = selectors.agreement_commitments(agreement, today=today, filters=filters)
        return _commitments_table(request, agreement, commitments)
    # Unfiltered, the table holds every commitment: as many as the kept figure says.
    if filters.keys() - {"sort"}:
        count = selectors.agreement_commitments_count(agreement, today=today, filters=filters)
    else:
        count = agreement.commitment_count
    # The page's number from the count, then its rows: a whole page's worth asked for, so
    # that the last page's query is every other page's (`agreement_table_page`).
    page = paginate(request, (), TABLE_ROWS, count=count)
    first = (page.number - 1) * TABLE_ROWS
    page.object_list = selectors.agreement_table_page(
        agreement, today=today, filters=filters, low=first, high=first + TABLE_ROWS
    )
    context = {
        "agreement": agreement,
        "today": today,
        "page": page,
        "query": query_without_page(request),
    }
    if table_only:
        return vary_on_htmx(
            render(request, "tracker/agreement_detail.html#commitments-table", context)
        )
    context |= _summary(agreement, today) | {"parties": parties, "form": form}
    context |= {name: lists[name] for name in ("milestones", "holidays", "sources", "rounds")}
    context["texts"] = texts_for(request, agreement, lists["texts"])
    return vary_on_htmx(render(request, "tracker/agreement_detail.html", context))


def _summary(agreement, today) -> dict:
    """The scores, the chart and the deadlines."""
    summary = selectors.agreement_summary(agreement)
    # Each marker links to its commitment's page: the route's address read once, not a marker.
    commitment_url = object_urls("tracker:commitment-detail")
    return {
        "summary": summary,
        "chart": charts.score_chart(summary.history, today=today),
        "timeline": charts.deadline_timeline(
            summary.commitments,
            signed_on=agreement.signed_on,
            today=today,
            url_of=lambda commitment: commitment_url(commitment.id),
        ),
    }


def _commitments_table(request: HttpRequest, agreement, commitments) -> HttpResponse:
    """The table as filtered and sorted on screen, every page of it, as CSV or XLSX."""
    rows = exports.commitment_rows(
        commitments.select_related("agreement").iterator(chunk_size=1000),
        url=exports.commitment_url(request),
    )
    filename = f"{agreement.slug}-commitments-{timezone.localdate():%Y-%m-%d}"
    return exports.table_response(request.GET["format"], exports.COMMITMENT_COLUMNS, rows, filename)


@member_required
@require_GET
def agreement_export(request: HttpRequest, slug: str) -> JsonResponse:
    """The whole agreement in the import format: importing it gives the agreement back."""
    agreement = get_agreement_for_user(request.user, slug)
    document = exports.agreements_document([selectors.agreement_for_export(agreement)])
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{agreement.slug}.json"'
    return response
