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


def test_the_written_out_rows_equal_drfs_field_by_field_output(
    analyst, agreement, disputed_and_extended
):
    """`CommitmentSerializer.to_representation` is written out for speed; the fields it
    declares (which the schema publishes) must still say exactly the same."""
    from rest_framework import serializers

    from tracker import selectors
    from tracker.api.serializers import CommitmentSerializer
    from tracker.models import Commitment

    from ..factories import MilestoneFactory

    _, extended = disputed_and_extended
    talks = MilestoneFactory(agreement=agreement, name="Talks", date=datetime.date(2026, 5, 1))
    counted = CommitmentFactory(
        agreement=agreement,
        reference="M",
        timeline_wording="within 10 days",
        deadline_milestone=talks,
        responsible=[agreement.parties.order_by("code").first()],
    )
    services.commitment_save(commitment=counted, prerequisites=[extended])
    CommitmentFactory(
        agreement=agreement, reference="O", timeline_wording="ongoing", responsible=[]
    )
    CommitmentFactory(agreement=agreement, reference="L", timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 6, 15))

    rows = selectors.with_page_rows(list(selectors.api_commitments(analyst).order_by("reference")))
    assert len(rows) == Commitment.objects.count() == 5
    serializer = CommitmentSerializer()
    for row in rows:
        written_out = serializer.to_representation(row)
        by_field = dict(serializers.ModelSerializer.to_representation(serializer, row))
        assert written_out == by_field
        assert list(written_out) == CommitmentSerializer.Meta.fields
    seen = {row.reference: serializer.to_representation(row) for row in rows}
    assert seen["M"]["counted_from"] == "Talks"
    assert seen["M"]["depends_on"] == ["E"]
    assert seen["L"]["is_overdue"] is True
    assert seen["L"]["days_overdue"] > 0
    assert seen["O"]["responsible_parties"] == []
    assert seen["O"]["due_on"] is None


def test_a_commitment_without_a_due_date_has_boolean_warnings(analyst_api, agreement):
    """The schema says boolean; the at-risk rule once answered null for no due date."""
    ongoing = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    assert ongoing.due_on is None
    listed = analyst_api.get("/api/v1/commitments/").json()["results"][0]
    detail = analyst_api.get(f"/api/v1/commitments/{ongoing.pk}/").json()
    for row in (listed, detail):
        flags = [row[name] for name in ("is_at_risk", "is_stale", "is_blocked", "is_disputed")]
        assert flags == [False, False, False, False]
