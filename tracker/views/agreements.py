from functools import cache as once

from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import charts, exports, pagecache, selectors
from ..forms import AgreementFilterForm, CommitmentFilterForm
from ..models import Commitment, Party
from .common import (
    get_agreement_for_user,
    member_required,
    paginate,
    query_without_page,
    vary_on_htmx,
)

# Commitments per page of the agreement's table: most agreements fit on one or two.
TABLE_ROWS = 25
AGREEMENT_SORTS = {
    "-signed": ["-signed_on", "title"],
    "signed": ["signed_on", "title"],
    "title": ["title"],
    "-score": [F("score_value").desc(nulls_last=True), "title"],
    "score": [F("score_value").asc(nulls_last=True), "title"],
    "-overdue": ["-overdue_count", "title"],
}


@member_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements the user may see, searchable, filterable by party and status, sortable."""
    today = timezone.localdate()

    @once  # built only when a fragment is rebuilt: the form reads the parties
    def form() -> AgreementFilterForm:
        return AgreementFilterForm(request.GET or None, parties=Party.objects.order_by("name"))

    # The table: the same for everyone who sees the same agreements, cached until the data
    # changes (tracker/pagecache.py); and below the heading, the filters with it.
    def table() -> tuple[str, dict]:
        return pagecache.cached_fragment(
            request,
            "tracker/agreement_list.html#agreements-table",
            pagecache.listing_key(request, "agreements", today),
            lambda: _agreements_table(request, form().filters(), today),
        )

    if request.htmx and request.htmx.target == "agreements-table":
        return vary_on_htmx(HttpResponse(table()[0]))
    body, context = pagecache.cached_fragment(
        request,
        "tracker/agreement_list.html#agreement-list-body",
        pagecache.listing_key(request, "agreements-body", today),
        lambda: _with_table(table(), form=form()),
    )
    return vary_on_htmx(render(request, "tracker/agreement_list.html", {**context, "body": body}))


def _with_table(table: tuple[str, dict], **context) -> dict:
    """The context of a page body around a cached table: the table's own, the table, more."""
    html, values = table
    return {**values, **context, "table": html}


def _agreements_table(request: HttpRequest, filters: dict, today) -> dict:
    agreements = selectors.agreements_visible_to(request.user)
    if "q" in filters:
        agreements = agreements.filter(
            Q(title__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
        )
    if "party" in filters:
        agreements = agreements.filter(parties__code=filters["party"])
    if "status" in filters:
        agreements = agreements.filter(status=filters["status"])
    agreements = (
        selectors.with_agreement_stats(agreements, today=today)
        .prefetch_related("parties")
        .order_by(*AGREEMENT_SORTS[filters.get("sort", "-signed")])
    )
    return {"page": paginate(request, agreements, 25), "query": query_without_page(request)}


@member_required
@require_GET
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One agreement: parties, milestones, scores, chart, timeline and the commitments table.

    An htmx request for the table (the filters and sorting) gets only the table back.
    """
    agreement = get_agreement_for_user(request.user, slug)
    today = timezone.localdate()
    parties = list(agreement.parties.all())

    # Built only when needed: even unevaluated, the form and the queryset cost milliseconds.
    @once
    def form() -> CommitmentFilterForm:
        return CommitmentFilterForm(request.GET or None, parties=parties)

    def commitments():
        return selectors.agreement_commitments(agreement, today=today, filters=form().filters())

    if request.GET.get("format") in exports.TABLE_FORMATS:
        return _commitments_table(request, agreement, commitments())

    def table() -> tuple[str, dict]:
        return pagecache.cached_fragment(
            request,
            "tracker/agreement_detail.html#commitments-table",
            ("commitments-table", agreement.pk, today, pagecache.query_key(request)),
            lambda: {
                "agreement": agreement,
                "today": today,
                "page": paginate(request, commitments(), TABLE_ROWS),
                "query": query_without_page(request),
            },
        )

    if request.htmx and request.htmx.target == "commitments-table":
        return vary_on_htmx(HttpResponse(table()[0]))
    # Below the heading, everything is the same for everyone who may see the agreement and
    # asks for the same filters: cached whole, and its two costly parts each on their own
    # (the summary serves every filter; the table serves htmx requests too).
    body, body_context = pagecache.cached_fragment(
        request,
        "tracker/agreement_detail.html#agreement-body",
        ("agreement-body", agreement.pk, today, pagecache.query_key(request)),
        lambda: _body(request, agreement, today, form(), table),
    )
    context = {**body_context, "agreement": agreement, "parties": parties, "body": body}
    return vary_on_htmx(render(request, "tracker/agreement_detail.html", context))


def _body(request: HttpRequest, agreement, today, form, table) -> dict:
    """The scores, chart, milestones and deadlines, then the filters and the table."""
    summary, summary_context = pagecache.cached_fragment(
        request,
        "tracker/agreement_detail.html#agreement-summary",
        ("agreement-summary", agreement.pk, today),
        lambda: _summary(agreement, today),
    )
    return _with_table(
        table(), **summary_context | {"agreement": agreement, "form": form, "summary": summary}
    )


def _summary(agreement, today) -> dict:
    every = list(
        Commitment.objects.filter(agreement=agreement).only(
            "id", "reference", "title", "due_on", "status"
        )
    )
    totals, theme_scores = selectors.agreement_breakdown(agreement)
    history = selectors.score_history(agreement, {item.pk: item.status for item in every})
    return {
        "agreement": agreement,
        "totals": totals,
        "party_scores": selectors.party_scores([agreement.pk])[agreement.pk],
        "theme_scores": theme_scores,
        "chart": charts.score_chart(history, today=today),
        "timeline": charts.deadline_timeline(every, signed_on=agreement.signed_on, today=today),
        "milestones": agreement.milestones.all(),
        "sources": agreement.sources.all(),
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
