"""The early warnings in the API: fields on every commitment, and a filter."""

import datetime

import pytest

from tracker import services
from tracker.models import Stance

from ..factories import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed_and_extended(agreement, analyst, editor, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)
    disputed = CommitmentFactory(agreement=agreement, reference="D", timeline_wording="ongoing")
    first, second = agreement.parties.order_by("code")
    for party, stance in ((first, Stance.PROGRESS), (second, Stance.SETBACK)):
        services.evidence_log(
            commitment=disputed, by=analyst, summary="claim", stance=stance, claimed_by=party
        )
    extended = CommitmentFactory(agreement=agreement, reference="E")
    services.commitment_extend_deadline(
        commitment=extended, wording="by 31 July 2026", reason="talks", by=editor
    )
    return disputed, extended


def test_each_commitment_carries_its_warnings(analyst_api, disputed_and_extended):
    rows = {
        row["reference"]: row for row in analyst_api.get("/api/v1/commitments/").json()["results"]
    }
    assert rows["D"]["is_disputed"] is True
    assert rows["E"]["original_due_on"] == "2026-04-30"
    assert rows["E"]["due_on"] == "2026-07-31"
    assert rows["E"]["days_late_against_original"] == 46
    assert rows["E"]["days_overdue"] is None
    assert {"is_at_risk", "is_stale", "is_blocked", "depends_on"} <= set(rows["E"])


@pytest.mark.parametrize(("warning", "expected"), [("disputed", ["D"]), ("extended", ["E"])])
def test_the_warning_filter(analyst_api, disputed_and_extended, warning, expected):
    rows = analyst_api.get("/api/v1/commitments/", {"warning": warning}).json()["results"]
    assert [row["reference"] for row in rows] == expected


def test_a_claim_can_be_logged_through_the_api(analyst_api, agreement):
    commitment = CommitmentFactory(agreement=agreement)
    code = agreement.parties.first().code
    response = analyst_api.post(
        f"/api/v1/commitments/{commitment.pk}/evidence/",
        {"summary": "Official statement", "stance": "progress", "claimed_by": code},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["claimed_by"] == code
