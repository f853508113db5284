"""/api/v1/agreements/: what the agreements list and page show, with the same visibility."""

import pytest

from tracker.models import CommitmentStatus

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/agreements/"


def test_it_lists_visible_agreements_with_their_figures(viewer_api, agreement, commitment):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.ABANDONED)
    (row,) = viewer_api.get(URL).json()["results"]
    assert row["slug"] == agreement.slug
    assert row["url"] == f"http://testserver/agreements/{agreement.slug}/"
    assert row["parties"] == sorted(agreement.parties.values_list("code", flat=True))
    assert (row["commitment_count"], row["overdue_count"], row["score"]) == (2, 0, 0)
    assert row["next_due_on"] is None or row["next_due_on"] >= "2026-04-30"
    assert row["is_restricted"] is False


def test_a_restricted_agreement_is_absent_and_its_page_a_404(viewer_api, restricted_agreement):
    assert viewer_api.get(URL).json()["count"] == 0
    assert viewer_api.get(f"{URL}{restricted_agreement.slug}/").status_code == 404


def test_admins_see_it_marked_restricted(admin_api, restricted_agreement):
    (row,) = admin_api.get(URL).json()["results"]
    assert row["is_restricted"] is True


def test_the_detail_has_milestones_and_sources(viewer_api, agreement):
    agreement.sources.create(title="Communiqué", url="https://example.org/c")
    body = viewer_api.get(f"{URL}{agreement.slug}/").json()
    assert [m["kind"] for m in body["milestones"]] == ["signing"]
    assert body["sources"][0]["title"] == "Communiqué"


def test_it_filters_by_party_status_and_text(viewer_api):
    pak = PartyFactory(code="PAK")
    AgreementFactory(title="Doha follow-up", parties=[pak, PartyFactory()])
    AgreementFactory(title="Trade deal", status="suspended")

    def slugs(**params):
        return [row["title"] for row in viewer_api.get(URL, params).json()["results"]]

    assert slugs(party="PAK") == ["Doha follow-up"]
    assert slugs(status="suspended") == ["Trade deal"]
    assert slugs(q="doha") == ["Doha follow-up"]


def test_a_bad_filter_value_is_a_400(viewer_api):
    response = viewer_api.get(URL, {"status": "sideways"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_its_score_counts_an_abandoned_commitment_at_zero(viewer_api, agreement):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.ABANDONED)
    assert viewer_api.get(f"{URL}{agreement.slug}/").json()["score"] == 50
