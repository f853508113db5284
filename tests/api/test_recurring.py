"""/api/v1/commitments/: a recurring commitment's reading and the period it owes; the
detail's recent periods; query counts that do not grow with recurring commitments, periods
or evidence."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker import services
from tracker.models import Stance

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/commitments/"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)


def _log(commitment, day, stance=Stance.PROGRESS):
    return services.evidence_log(
        commitment=commitment, by=None, summary="Met", occurred_on=day, stance=stance
    )


@pytest.fixture
def quarterly(agreement):
    """Signed 31 January 2026: Q1 2026 met, Q2 2026 owed."""
    commitment = CommitmentFactory(agreement=agreement, reference="Q", timeline_wording="quarterly")
    _log(commitment, datetime.date(2026, 3, 1))
    return commitment


def test_the_list_says_how_a_recurring_timeline_was_read_and_the_period_owed(
    viewer_api, quarterly, commitment
):
    rows = {row["reference"]: row for row in viewer_api.get(URL).json()["results"]}
    assert rows["Q"]["recurrence"] == "every 3 months (quarterly)"
    assert rows["Q"]["due_on"] == "2026-06-30"
    assert rows["Q"]["period"] == "Q2 2026"
    assert rows[commitment.reference]["recurrence"] is None
    assert rows[commitment.reference]["period"] is None


def test_an_overdue_recurring_commitment_owes_the_missed_period(viewer_api, agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="monthly")
    services.overdue_scan(today=datetime.date(2026, 6, 15))
    row = viewer_api.get(f"{URL}{commitment.pk}/").json()
    assert (row["period"], row["due_on"], row["is_overdue"]) == (
        "February 2026",
        "2026-02-28",
        True,
    )


def test_the_detail_lists_the_recent_periods_with_what_met_them(viewer_api, quarterly):
    evidence = quarterly.evidence.get()
    response = viewer_api.get(f"{URL}{quarterly.pk}/")
    assert response.status_code == 200
    assert response.json()["recent_periods"] == [
        {
            "label": "Q1 2026",
            "starts_on": "2026-01-31",
            "ends_on": "2026-03-31",
            "state": "met",
            "evidence": [evidence.pk],
            "status_changes": [],
        },
        {
            "label": "Q2 2026",
            "starts_on": "2026-04-01",
            "ends_on": "2026-06-30",
            "state": "current",
            "evidence": [],
            "status_changes": [],
        },
        {
            "label": "Q3 2026",
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "state": "upcoming",
            "evidence": [],
            "status_changes": [],
        },
    ]


def test_the_detail_of_a_one_off_deadline_has_no_periods(viewer_api, commitment):
    assert viewer_api.get(f"{URL}{commitment.pk}/").json()["recent_periods"] == []


def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url, {"page_size": 50}).status_code == 200
    return len(queries.captured_queries)


def _recurring(count: int, signed_on: datetime.date) -> list:
    made = []
    for _ in range(count):
        agreement = AgreementFactory(signed_on=signed_on)
        meeting = MilestoneFactory(agreement=agreement, date=signed_on)
        made.append(
            CommitmentFactory(
                agreement=agreement, timeline_wording="monthly", deadline_milestone=meeting
            )
        )
    return made


def test_the_list_and_detail_do_not_grow_their_queries_with_periods_or_evidence(viewer_api):
    first = _recurring(2, datetime.date(2025, 1, 1))
    detail = f"{URL}{first[0].pk}/"
    small = (_queries(viewer_api, URL), _queries(viewer_api, detail))
    _recurring(20, datetime.date(2020, 1, 1))
    for month in range(1, 13):
        _log(first[0], datetime.date(2025, month, 10))
    assert (_queries(viewer_api, URL), _queries(viewer_api, detail)) == small
