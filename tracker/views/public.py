"""The public pages under /public/ (issue 22): the list of public agreements, each agreement,
each commitment. No sign-in, and nothing of the reader: these views never read the session or
the user, so the same address gives everyone the same page, which a proxy or CDN may keep
(`public_response`: Cache-Control public and an ETag). Every agreement comes from
`selectors.agreements_public()`; anything else is a 404 in the words of a missing page.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.views.decorators.http import require_GET

from .. import charts, selectors
from ..forms import AgreementFilterForm, CommitmentFilterForm
from ..models import Agreement, Commitment
from ..routes import object_url
from .common import paginate, query_without_page, texts_for, vary_on_htmx

PUBLIC_ROWS = 25
NOT_FOUND = "No such page."


def public_response(view: Callable) -> Callable:
    """`Cache-Control: public, max-age=PUBLIC_MAX_AGE` on every 200 of `view`, and (unless
    streamed) an ETag, with 304 to a client whose copy has that tag. The tag is a hash of the
    body: the page is built afresh each time (nothing is kept on the server), and a 304 saves
    sending it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
        if response.streaming:
            return response
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response) or response

    return wrapper


def get_public_agreement(slug: str) -> Agreement:
    """The public agreement with this slug, its parties read; a 404 in the same words for an
    agreement that is missing, internal or restricted."""
    agreement = selectors.agreements_public().prefetch_related("parties").filter(slug=slug).first()
    if agreement is None:
        raise Http404(NOT_FOUND)
    return agreement


def get_public_commitment(pk: int) -> Commitment:
    commitment = (
        selectors.commitments_public()
        .select_related("agreement", "deadline_milestone")
        .prefetch_related("responsible_parties")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise Http404(NOT_FOUND)
    return commitment


def public_commitment_url(commitment: Commitment) -> str:
    return object_url("public:commitment-detail", commitment.pk)


@require_GET
@public_response
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The public agreements, searchable, filterable by party and status, sortable."""
    form = AgreementFilterForm(request.GET or None, parties=selectors.parties_public())
    agreements = selectors.agreements_filtered(
        selectors.agreements_public(), today=timezone.localdate(), filters=form.filters()
    )
    page = paginate(request, agreements, PUBLIC_ROWS)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    template = "tracker/public_agreement_list.html"
    if request.htmx and request.htmx.target == "agreements-table":
        template += "#agreements-table"
    return vary_on_htmx(render(request, template, context))


@require_GET
@public_response
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One public agreement: scores per party and theme, score over time, deadlines and the
    commitments table with its filters (an htmx request for the table gets the table)."""
    agreement = get_public_agreement(slug)
    today = timezone.localdate()
    parties = list(agreement.parties.all())
    form = CommitmentFilterForm(request.GET or None, parties=parties)
    commitments = selectors.agreement_commitments(agreement, today=today, filters=form.filters())
    unfiltered = not (form.filters().keys() - {"sort"})
    page = paginate(
        request,
        commitments,
        PUBLIC_ROWS,
        count=agreement.commitment_count if unfiltered else None,
    )
    page.object_list = selectors.with_party_codes(list(page.object_list))
    for commitment in page.object_list:
        commitment.public_url = public_commitment_url(commitment)
    context = {
        "agreement": agreement,
        "today": today,
        "page": page,
        "query": query_without_page(request),
    }
    if request.htmx and request.htmx.target == "commitments-table":
        return vary_on_htmx(
            render(request, "tracker/public_agreement_detail.html#commitments-table", context)
        )
    summary = selectors.agreement_summary(agreement)
    context |= {
        "form": form,
        "parties": parties,
        "summary": summary,
        "chart": charts.score_chart(summary.history, today=today),
        "timeline": charts.deadline_timeline(
            summary.commitments,
            signed_on=agreement.signed_on,
            today=today,
            url_of=public_commitment_url,
        ),
        "milestones": agreement.milestones.all(),
        "sources": agreement.sources.all(),
        "site_url": settings.SITE_URL,
        "texts": texts_for(request, agreement),
    }
    return vary_on_htmx(render(request, "tracker/public_agreement_detail.html", context))


@require_GET
@public_response
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One commitment of a public agreement: its facts, status, history with reasons, graded
    evidence with sources and extensions, under the agreement's settings."""
    commitment = get_public_commitment(pk)
    today = timezone.localdate()
    context = {
        "commitment": commitment,
        "agreement": commitment.agreement,
        "today": today,
        "days_overdue": commitment.days_overdue(today),
        "days_left": commitment.days_left(today),
        "history": selectors.public_history(commitment),
    }
    return render(request, "tracker/public_commitment_detail.html", context)
