from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms import SearchForm
from ..search import FIELDS, search
from .common import member_required, paginate, query_without_page

PREVIEW = 5


@member_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Everything: the first few of each kind. One kind: all of its matches, paginated."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": query_without_page(request), "sections": []}
    if form.is_valid() and form.cleaned_data["q"].strip():
        text, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        if kind:
            context["page"] = paginate(request, search(request.user, text, kind), 25)
            context["kind"] = kind
        else:
            context["sections"] = [
                (name, list(search(request.user, text, name)[: PREVIEW + 1])) for name in FIELDS
            ]
        context["text"] = text
    return render(request, "tracker/search.html", context)
