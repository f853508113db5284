"""Completion criteria through the API (issue 21): listed in the commitment's detail with
`verifiable`, added by editors, marked met by analysts citing evidence; implemented with an
unmet criterion refused (400 on `unmet_criteria_reason`) unless a reason is given; the
agreement's score with its rule."""

import pytest

from tracker import services
from tracker.models import Agreement, Commitment, CommitmentStatus, Criterion, ScoreRule

from ..factories import CommitmentFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def _detail(api, commitment) -> dict:
    return api.get(f"/api/v1/commitments/{commitment.pk}/").json()


def test_the_detail_lists_criteria_and_verifiability(viewer_api, agreement, editor):
    ongoing = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    assert _detail(viewer_api, ongoing)["verifiable"] is False
    services.criterion_add(commitment=ongoing, text="Four sectors agreed", by=editor)
    body = _detail(viewer_api, ongoing)
    assert body["verifiable"] is True
    assert [(c["text"], c["met_on"], c["evidence"]) for c in body["criteria"]] == [
        ("Four sectors agreed", None, None)
    ]
    listed = viewer_api.get("/api/v1/commitments/").json()["results"]
    assert {row["id"]: row["verifiable"] for row in listed} == {ongoing.pk: True}


def test_an_editor_adds_a_criterion_and_an_analyst_may_not(editor_api, analyst_api, commitment):
    url = f"/api/v1/commitments/{commitment.pk}/criteria/"
    assert analyst_api.post(url, {"text": "Patrol"}, format="json").status_code == 403
    response = editor_api.post(url, {"text": "Patrol"}, format="json")
    assert response.status_code == 201
    assert Criterion.objects.get().text == "Patrol"
    assert editor_api.post(url, {"text": "x" * 501}, format="json").status_code == 400
    assert editor_api.post(url, {"text": "  "}, format="json").status_code == 400
    assert Criterion.objects.count() == 1


def test_an_analyst_marks_a_criterion_met_citing_evidence(analyst_api, commitment, editor):
    criterion = services.criterion_add(commitment=commitment, text="Patrol", by=editor)
    evidence = EvidenceFactory(commitment=commitment)
    url = f"/api/v1/commitments/{commitment.pk}/criteria/{criterion.pk}/met/"
    response = analyst_api.post(
        url, {"met_on": "2026-03-01", "evidence": evidence.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["evidence"] == evidence.pk
    other = EvidenceFactory()
    refused = analyst_api.post(url, {"met_on": "2026-03-01", "evidence": other.pk}, format="json")
    assert refused.status_code == 400
    assert analyst_api.post(url, {"met": False}, format="json").status_code == 200
    criterion.refresh_from_db()
    assert criterion.met_on is None
    assert analyst_api.post(url, {}, format="json").json() == {
        "met_on": ["Give the day it was met."]
    }


def test_implemented_with_an_unmet_criterion_needs_a_reason(analyst_api, commitment, editor):
    services.criterion_add(commitment=commitment, text="Patrol", by=editor)
    url = f"/api/v1/commitments/{commitment.pk}/status/"
    body = {"status": "implemented", "reason": "Done", "version": 1}
    refused = analyst_api.post(url, body, format="json")
    assert refused.status_code == 400
    assert "unmet_criteria_reason" in refused.json()
    assert Commitment.objects.get(pk=commitment.pk).status == CommitmentStatus.NOT_STARTED
    accepted = analyst_api.post(
        url, body | {"unmet_criteria_reason": "A joint post instead"}, format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["unmet_criteria_reason"] == "A joint post instead"


def test_the_agreement_gives_its_score_rule_and_what_is_not_scored(viewer_api, agreement):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.NOT_STARTED)
    CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    body = viewer_api.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert (body["score"], body["score_rule"], body["unscored_count"]) == (50, "pam", 1)
    Agreement.objects.filter(pk=agreement.pk).update(score_rule=ScoreRule.G7)
    body = viewer_api.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert (body["score"], body["score_rule"]) == (0.0, "g7")
