"""/api/v1/commitments/: the filters of the agreement page, across agreements."""

import datetime

import pytest

from tracker import services
from tracker.models import Commitment, CommitmentStatus

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/commitments/"


@pytest.fixture
def commitments(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    pak, afg = PartyFactory(code="PAK"), PartyFactory(code="AFG")
    doha = AgreementFactory(slug="doha", parties=[pak, afg], signed_on=datetime.date(2026, 1, 31))
    CommitmentFactory(agreement=doha, reference="1", timeline_wording="within 1 month")
    CommitmentFactory(
        agreement=doha,
        reference="2",
        timeline_wording="within 2 months",
        theme="border",
        responsible=[afg],
    )
    CommitmentFactory(
        agreement=doha, reference="3", timeline_wording="ongoing", theme="trade", responsible=[pak]
    )
    other = AgreementFactory(slug="other", signed_on=datetime.date(2026, 3, 1))
    CommitmentFactory(agreement=other, reference="1", timeline_wording="within 1 year")
    services.overdue_scan(today=datetime.date(2026, 3, 10))


def _refs(api, **params) -> list[str]:
    response = api.get(URL, params)
    assert response.status_code == 200, response.json()
    return [f"{row['agreement']}:{row['reference']}" for row in response.json()["results"]]


def test_it_lists_visible_commitments_with_due_dates_and_flags(viewer_api, commitments):
    rows = {
        row["reference"]: row
        for row in viewer_api.get(URL, {"agreement": "doha"}).json()["results"]
    }
    assert rows["1"]["due_on"] == "2026-02-28"
    assert rows["1"]["is_overdue"] is True
    assert rows["2"]["responsible_parties"] == ["AFG"]
    assert rows["3"]["due_on"] is None
    assert rows["1"]["version"] == 1


def test_the_filters_match_the_pages(viewer_api, commitments):
    assert _refs(viewer_api, agreement="doha", overdue="true") == ["doha:1"]
    assert _refs(viewer_api, agreement="doha", overdue="false") == ["doha:2", "doha:3"]
    assert _refs(viewer_api, party="AFG", agreement="doha") == ["doha:1", "doha:2"]
    assert _refs(viewer_api, theme="border") == ["doha:2"]
    assert _refs(viewer_api, due_within=30) == ["doha:2"]
    assert _refs(viewer_api, agreement="other") == ["other:1"]
    assert _refs(viewer_api, agreement="doha", sort="-due") == ["doha:2", "doha:1", "doha:3"]


def test_status_filter_follows_status_changes(viewer_api, analyst, commitments):
    commitment = viewer_api.get(URL, {"agreement": "doha", "theme": "trade"}).json()["results"][0]
    services.commitment_set_status(
        commitment=Commitment.objects.get(pk=commitment["id"]),
        status=CommitmentStatus.STALLED,
        reason="No trade",
        by=analyst,
    )
    assert _refs(viewer_api, status="stalled") == ["doha:3"]


def test_restricted_commitments_are_absent_and_a_404(viewer_api, restricted_agreement):
    hidden = restricted_agreement.commitments.get()
    assert _refs(viewer_api) == []
    assert viewer_api.get(f"{URL}{hidden.pk}/").status_code == 404


def test_it_paginates(viewer_api, agreement):
    for n in range(5):
        CommitmentFactory(agreement=agreement, reference=f"1.{n}")
    body = viewer_api.get(URL, {"page_size": 2, "page": 3}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 1
    assert body["next"] is None


def test_a_due_within_out_of_range_is_a_400(viewer_api):
    assert viewer_api.get(URL, {"due_within": -1}).status_code == 400


def test_an_unfiltered_list_is_counted_from_the_kept_figures_and_a_filtered_one_by_rows(
    viewer_api, agreement, restricted_agreement
):
    """Unfiltered, the count is the sum of the visible agreements' kept commitment counts (one
    small query, however many commitments there are); it must equal the rows a client
    pages through, restricted agreements left out. A filter counts the rows themselves."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        CommitmentFactory(agreement=agreement, reference=f"9.{n}", theme="trade")
    with CaptureQueriesContext(connection) as queries:
        body = viewer_api.get(URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert not any('COUNT(*) AS "__count" FROM "tracker_commitment"' in q["sql"] for q in queries)
    seen = len(body["results"]) + len(viewer_api.get(body["next"]).json()["results"])
    assert seen == 3

    filtered = viewer_api.get(URL, {"page_size": 2, "theme": "border"}).json()
    assert filtered["count"] == 0
    assert filtered["results"] == []
