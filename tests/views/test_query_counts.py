"""A page's SQL query count must not grow with the data: the same at 2 and at 40 agreements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import populate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MAX_QUERIES = 15


def _pages(agreement, commitment) -> dict[str, tuple[str, dict]]:
    detail = agreement.get_absolute_url()
    return {
        "overview": (reverse("tracker:overview"), {}),
        "agreement list": (reverse("tracker:agreement-list") + "?sort=-score", {}),
        "agreement list fragment": (
            reverse("tracker:agreement-list") + "?q=Agreement",
            {**HTMX, "HTTP_HX_TARGET": "agreements-table"},
        ),
        "agreement page": (detail, {}),
        "commitments table fragment": (
            detail + "?overdue=yes&sort=due",
            {**HTMX, "HTTP_HX_TARGET": "commitments-table"},
        ),
        "commitment page": (commitment.get_absolute_url(), {}),
        "commitment activity fragment": (commitment.get_absolute_url(), HTMX),
        "overdue page": (reverse("tracker:overdue"), {}),
        "overdue csv": (reverse("tracker:overdue") + "?format=csv", {}),
        "search, everything": (reverse("tracker:search") + "?q=Commitment", {}),
        "search, one kind": (reverse("tracker:search") + "?q=Observation&kind=evidence", {}),
    }


def _count(client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries.captured_queries)


def test_no_page_grows_its_queries_with_the_data(analyst_client, analyst):
    first = populate(2, analyst=analyst)
    commitment = first[0].commitments.first()
    pages = _pages(first[0], commitment)
    small = {name: _count(analyst_client, *page) for name, page in pages.items()}

    populate(38, analyst=analyst)
    large = {name: _count(analyst_client, *page) for name, page in pages.items()}

    grew = {name: (small[name], large[name]) for name in pages if large[name] != small[name]}
    assert grew == {}, f"queries at 2 vs 40 agreements: {grew}"
    too_many = {name: count for name, count in large.items() if count > MAX_QUERIES}
    assert too_many == {}, f"pages over {MAX_QUERIES} queries: {too_many}"
