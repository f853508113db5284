"""Evidence through the API: log it on a commitment, list it, retract it."""

import datetime

import pytest

from tracker.models import Evidence

from ..factories import EvidenceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/evidence/"


def _log(api, commitment, **data):
    body = {"summary": "Patrols seen near Torkham", "stance": "progress", **data}
    return api.post(f"/api/v1/commitments/{commitment.pk}/evidence/", body, format="json")


def test_an_analyst_logs_evidence_through_the_service(analyst_api, analyst, commitment):
    response = _log(analyst_api, commitment, reliability="B", credibility=2)
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert (evidence.logged_by, evidence.grading) == (analyst, "B2")
    assert response.json()["grading"] == "B2"
    assert response.json()["logged_by"] == "analyst"


def test_a_viewer_may_not_log_evidence(viewer_api, commitment):
    assert _log(viewer_api, commitment).status_code == 403
    assert not Evidence.objects.exists()


def test_evidence_on_a_restricted_commitment_is_a_404(analyst_api, restricted_agreement):
    assert _log(analyst_api, restricted_agreement.commitments.get()).status_code == 404


def test_bad_grading_and_future_dates_are_400s(analyst_api, commitment):
    response = _log(analyst_api, commitment, reliability="Z", credibility=9)
    assert set(response.json()) == {"reliability", "credibility"}
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = _log(analyst_api, commitment, occurred_on=tomorrow)
    assert response.json() == {"occurred_on": ["This date is in the future."]}
    assert not Evidence.objects.exists()


def test_it_lists_visible_evidence_filtered(viewer_api, commitment, restricted_agreement):
    EvidenceFactory(commitment=commitment, stance="setback")
    EvidenceFactory(commitment=commitment, stance="progress")
    EvidenceFactory(commitment=restricted_agreement.commitments.get())
    assert viewer_api.get(URL).json()["count"] == 2
    rows = viewer_api.get(URL, {"stance": "setback", "commitment": commitment.pk}).json()
    assert [row["stance"] for row in rows["results"]] == ["setback"]


def test_an_analyst_retracts_evidence_and_it_stays(analyst_api, analyst, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = analyst_api.post(
        f"{URL}{evidence.pk}/retract/", {"reason": "Wrong place"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_retracted"] is True
    assert analyst_api.get(URL, {"retracted": "true"}).json()["count"] == 1
    again = analyst_api.post(f"{URL}{evidence.pk}/retract/", {"reason": "Again"}, format="json")
    assert again.status_code == 400


def test_a_viewer_may_not_retract(viewer_api, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = viewer_api.post(f"{URL}{evidence.pk}/retract/", {"reason": "x"}, format="json")
    assert response.status_code == 403


def test_the_answer_to_logging_is_the_evidence_as_stored(analyst_api, commitment):
    party = commitment.responsible_parties.first()
    response = _log(
        analyst_api, commitment, claimed_by=party.code, concerns_party=party.code, quote="“Done”"
    )
    assert response.status_code == 201
    stored = analyst_api.get(f"{URL}{response.json()['id']}/").json()
    assert response.json() == stored
    assert (stored["agreement"], stored["claimed_by"]) == (commitment.agreement.slug, party.code)
