"""A recurring commitment's page: its reading, the period it owes, its series of periods
(met with what met it, missed, current, upcoming), each flag named by its period, and a
number of queries that does not grow with the periods or the evidence."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker import services
from tracker.models import Stance

from ..factories import AgreementFactory, CommitmentFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _log(commitment, day, summary="Quarterly report published", stance=Stance.PROGRESS):
    return services.evidence_log(
        commitment=commitment, by=None, summary=summary, occurred_on=day, stance=stance
    )


@pytest.fixture
def quarterly(agreement):
    """Signed 31 January 2026; today is 15 June 2026 (Q2)."""
    return CommitmentFactory(agreement=agreement, timeline_wording="quarterly")


def test_it_shows_the_reading_and_the_period_owed(analyst_client, quarterly):
    _log(quarterly, datetime.date(2026, 2, 10))
    content = analyst_client.get(quarterly.get_absolute_url()).content.decode()
    assert '<dd id="recurrence">every 3 months (quarterly)</dd>' in content
    assert "30 June 2026" in content
    assert '<span id="owed-period">Q2 2026</span>' in content


def test_the_series_shows_each_period_with_its_state_and_what_met_it(analyst_client, agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="monthly")
    evidence = _log(commitment, datetime.date(2026, 3, 5), summary="March meeting held")
    _log(commitment, datetime.date(2026, 4, 5), summary="Cancelled", stance=Stance.SETBACK)
    response = analyst_client.get(commitment.get_absolute_url())
    states = [(e.period.label, e.state.value) for e in response.context["series"]]
    assert states == [
        ("February 2026", "missed"),  # from the signing, 31 January, to the end of February
        ("March 2026", "met"),
        ("April 2026", "missed"),  # a setback meets nothing
        ("May 2026", "missed"),
        ("June 2026", "current"),
        ("July 2026", "upcoming"),
    ]
    content = response.content.decode()
    assert f'<a href="#evidence-{evidence.pk}"><bdi>March meeting held</bdi></a>' in content
    assert '<tr class="period-missed">' in content


def test_an_overdue_recurring_commitment_names_the_missed_period(analyst_client, quarterly):
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(quarterly.get_absolute_url())
    content = response.content.decode()
    assert '<span class="badge late" id="period-missed">Q1 2026: nothing recorded</span>' in content
    assert "Q1 2026: nothing recorded by 31 Mar 2026." in content  # the flag, in the history


def test_logging_evidence_in_the_owed_period_shows_the_next_one_owed(analyst_client, quarterly):
    response = analyst_client.post(
        quarterly.get_absolute_url(),
        {
            "action": "log-evidence",
            "summary": "Report for Q1",
            "stance": "progress",
            "reliability": "B",
            "credibility": "2",
            "occurred_on": "2026-03-20",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert [e.state.value for e in response.context["series"]][:2] == ["met", "current"]
    assert response.context["owed_label"] == "Q2 2026"


def test_regular_consultations_show_no_periods_and_no_due_date(analyst_client, agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="regular")
    response = analyst_client.get(commitment.get_absolute_url())
    assert response.context["series"] == []
    assert "none: no fixed interval, never flagged" in response.content.decode()


def test_the_page_shows_no_series_for_a_one_off_deadline(analyst_client, commitment):
    response = analyst_client.get(commitment.get_absolute_url())
    assert response.context["series"] == []
    assert 'id="series"' not in response.content.decode()


def _queries(client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries.captured_queries)


def test_the_pages_queries_do_not_grow_with_periods_or_evidence(analyst_client):
    agreement = AgreementFactory(signed_on=datetime.date(2020, 1, 1))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="monthly")
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="begun", by=None
    )
    _log(commitment, datetime.date(2021, 1, 5))
    url = commitment.get_absolute_url()
    small = {name: _queries(analyst_client, url, h) for name, h in (("page", {}), ("htmx", HTMX))}
    for month in range(1, 13):
        _log(commitment, datetime.date(2025, month, 5))
    services.overdue_scan(today=TODAY)
    large = {name: _queries(analyst_client, url, h) for name, h in (("page", {}), ("htmx", HTMX))}
    assert large == small


def test_the_overview_names_the_period_missed_and_the_period_due(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, reference="L", timeline_wording="quarterly")
    soon = CommitmentFactory(agreement=agreement, reference="S", timeline_wording="quarterly")
    CommitmentFactory(agreement=agreement, reference="F", timeline_wording="by 1 July 2026")
    _log(soon, datetime.date(2026, 3, 1))
    services.overdue_scan(today=TODAY)
    response = analyst_client.get("/")
    assert [(c.reference, c.period) for c in response.context["overdue"]] == [("L", "Q1 2026")]
    assert [(c.reference, c.period) for c in response.context["upcoming"]] == [
        ("S", "Q2 2026"),
        ("F", ""),
    ]
    content = response.content.decode()
    assert '<span class="period">Q1 2026 missing</span>, 31 Mar 2026' in content
    assert '<span class="period">Q2 2026</span>, 30 Jun 2026' in content


def test_the_overdue_page_names_the_period_missed(analyst_client, quarterly, commitment):
    services.overdue_scan(today=TODAY)
    response = analyst_client.get("/overdue/")
    rows = [row for group in response.context["groups"] for p in group.parties for row in p.rows]
    assert {row.reference: row.period for row in rows} == {
        quarterly.reference: "Q1 2026",
        commitment.reference: "",
    }
    assert '31 Mar 2026<br><span class="muted">Q1 2026 missing</span>' in response.content.decode()
