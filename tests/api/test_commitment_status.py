"""POST /api/v1/commitments/<id>/status/: an analyst moves a status, with the page's rules."""

import pytest

from tracker.models import Commitment, StatusChange

from ..factories import EvidenceFactory

pytestmark = pytest.mark.django_db


def _url(commitment) -> str:
    return f"/api/v1/commitments/{commitment.pk}/status/"


def _post(api, commitment, **data):
    body = {"status": "in_progress", "reason": "Patrol routes agreed", "version": 1, **data}
    return api.post(_url(commitment), body, format="json")


def test_an_analyst_changes_the_status_through_the_service(analyst_api, analyst, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = _post(analyst_api, commitment, evidence=evidence.pk)
    assert response.status_code == 201
    change = StatusChange.objects.get()
    assert (change.to_status, change.changed_by, change.evidence) == (
        "in_progress",
        analyst,
        evidence,
    )
    assert response.json()["to_status"] == "in_progress"
    assert Commitment.objects.get(pk=commitment.pk).version == 2


def test_a_viewer_may_not(viewer_api, commitment):
    assert _post(viewer_api, commitment).status_code == 403
    assert not StatusChange.objects.exists()


def test_a_restricted_commitment_is_a_404_even_to_an_analyst(analyst_api, restricted_agreement):
    hidden = restricted_agreement.commitments.get()
    assert _post(analyst_api, hidden).status_code == 404
    assert not StatusChange.objects.exists()


def test_a_stale_version_is_a_409_with_the_current_state(analyst_api, commitment):
    assert _post(analyst_api, commitment).status_code == 201
    response = _post(analyst_api, commitment, status="stalled", version=1)
    assert response.status_code == 409
    assert response.json()["status"] == "in_progress"
    assert response.json()["version"] == 2
    assert StatusChange.objects.count() == 1


def test_the_services_rules_are_400s_naming_the_field(analyst_api, commitment):
    response = _post(analyst_api, commitment, status="not_started")
    assert response.status_code == 400
    assert response.json() == {"status": ["It is already “Not started”."]}
    response = _post(analyst_api, commitment, reason="   ")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_evidence_of_another_commitment_cannot_be_cited(analyst_api, commitment):
    other = EvidenceFactory()
    response = _post(analyst_api, commitment, evidence=other.pk)
    assert response.status_code == 400
    assert "evidence" in response.json()


def test_the_version_is_required(analyst_api, commitment):
    response = analyst_api.post(
        _url(commitment), {"status": "stalled", "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
