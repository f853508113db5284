"""Per-party statuses in the API: obligations in the commitments, one party's change, and
evidence that concerns a party."""

import datetime

import pytest

from tracker import services
from tracker.models import Commitment, Obligation, StatusChange

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return PartyFactory(code="AFG", name="Afghanistan"), PartyFactory(code="PAK", name="Pakistan")


@pytest.fixture
def joint(parties):
    """Due 28 February 2026, AFG and PAK both responsible."""
    agreement = AgreementFactory(parties=list(parties))
    return CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")


def _post(api, commitment, party="AFG", **data):
    body = {"status": "implemented", "reason": "Patrols run", "version": 1, **data}
    return api.post(
        f"/api/v1/commitments/{commitment.pk}/obligations/{party}/status/", body, format="json"
    )


def test_one_partys_change_goes_through_the_service(analyst_api, analyst, joint, parties):
    evidence = EvidenceFactory(commitment=joint, concerns_party=parties[0])
    response = _post(analyst_api, joint, evidence=evidence.pk)
    assert response.status_code == 201
    assert response.json()["party"] == "AFG"
    change = StatusChange.objects.get()
    assert (change.party, change.changed_by, change.evidence) == (parties[0], analyst, evidence)
    assert Commitment.objects.get(pk=joint.pk).status == "not_started"


def test_the_commitment_lists_each_partys_status_and_lateness(analyst_api, joint, parties):
    services.overdue_scan(today=datetime.date(2026, 4, 1))
    assert _post(analyst_api, joint).status_code == 201
    body = analyst_api.get(f"/api/v1/commitments/{joint.pk}/").json()
    assert body["responsible_parties"] == ["AFG", "PAK"]
    assert body["obligations"] == [
        {"party": "AFG", "status": "implemented", "version": 2, "is_late": False},
        {"party": "PAK", "status": "not_started", "version": 1, "is_late": True},
    ]
    (listed,) = analyst_api.get("/api/v1/commitments/").json()["results"]
    assert listed["obligations"] == body["obligations"]


def test_a_stale_party_version_is_a_409_with_its_current_state(analyst_api, joint):
    assert _post(analyst_api, joint, status="in_progress").status_code == 201
    response = _post(analyst_api, joint, status="stalled", version=1)
    assert response.status_code == 409
    assert (response.json()["status"], response.json()["version"]) == ("in_progress", 2)


def test_a_party_not_responsible_is_a_404_and_changes_nothing(analyst_api, joint):
    PartyFactory(code="IRN")
    assert _post(analyst_api, joint, party="IRN").status_code == 404
    assert not StatusChange.objects.exists()


def test_bad_input_is_a_400_and_changes_nothing(analyst_api, joint):
    assert _post(analyst_api, joint, status="done").status_code == 400
    assert _post(analyst_api, joint, status="not_started").status_code == 400
    assert _post(analyst_api, joint, reason=" ").status_code == 400
    assert not StatusChange.objects.exists()
    assert set(Obligation.objects.values_list("version", flat=True)) == {1}


def test_a_viewer_may_not(viewer_api, joint):
    assert _post(viewer_api, joint).status_code == 403


def test_a_restricted_commitment_is_a_404(analyst_api, restricted_agreement):
    hidden = restricted_agreement.commitments.get()
    code = hidden.responsible_parties.first().code
    assert _post(analyst_api, hidden, party=code).status_code == 404
    assert not StatusChange.objects.exists()


def test_evidence_names_the_party_it_concerns(analyst_api, joint):
    response = analyst_api.post(
        f"/api/v1/commitments/{joint.pk}/evidence/",
        {"summary": "PAK troops seen", "concerns_party": "PAK"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["concerns_party"] == "PAK"
    outsider = PartyFactory(code="IRN")
    response = analyst_api.post(
        f"/api/v1/commitments/{joint.pk}/evidence/",
        {"summary": "Seen", "concerns_party": outsider.code},
        format="json",
    )
    assert response.status_code == 400
    assert joint.evidence.count() == 1
