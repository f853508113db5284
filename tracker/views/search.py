from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms import SearchForm
from ..search import NewestFirst, newest_evidence, search
from .common import member_required, paginate, query_without_page

PREVIEW = 5
# One kind's matches listed, at most: past that, the reader narrows the search.
MATCHES_LISTED = 1000


@member_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Everything: the first few of each kind. One kind: all of its matches, paginated."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": query_without_page(request), "sections": []}
    if form.is_valid() and form.cleaned_data["q"].strip():
        text, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        context |= _results(request, text, kind)
    return render(request, "tracker/search.html", context)


def _results(request: HttpRequest, text: str, kind: str) -> dict:
    """One kind: all of its matches, paginated. Everything: the first few of each kind."""
    if kind:
        return {
            "text": text,
            "kind": kind,
            "page": paginate(request, _matches(request, text, kind), 25, cap=MATCHES_LISTED),
            "query": query_without_page(request),
        }
    sections = [
        (name, list(search(request.user, text, name)[: PREVIEW + 1]))
        for name in ("agreements", "commitments")
    ]
    sections.append(("evidence", newest_evidence(request.user, text, PREVIEW + 1)))
    return {"text": text, "sections": sections}


def _matches(request: HttpRequest, text: str, kind: str):
    if kind == "evidence":
        return NewestFirst(request.user, text)
    return search(request.user, text, kind)
