"""The pages say when a deadline waits for an event that has not happened, and how a prompt
commitment reads; the overview lists what waits, in a fixed number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker import services
from tracker.models import MilestoneKind

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

READING = "due 3 months after the start of negotiations, which has not happened"


def _pending(agreement, reference: str = "5.1"):
    MilestoneFactory(
        agreement=agreement,
        kind=MilestoneKind.NEGOTIATIONS,
        name="Start of negotiations",
        date=None,
    )
    return CommitmentFactory(
        agreement=agreement,
        reference=reference,
        title="Release prisoners",
        timeline_wording="3 months after the start of negotiations",
    )


def test_the_commitment_page_says_it_is_pending_and_why(analyst_client, agreement):
    pending = _pending(agreement)
    page = analyst_client.get(pending.get_absolute_url()).content.decode()
    assert 'id="pending">Pending</span>' in page
    assert f"<bdi>{READING}</bdi>" in page
    assert 'id="lateness"' not in page


def test_the_agreement_table_says_it_is_pending(analyst_client, agreement):
    _pending(agreement)
    page = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert '<span class="badge pending">Pending</span>' in page
    assert READING in page


def test_a_prompt_commitment_reads_no_fixed_date(analyst_client, agreement):
    prompt = CommitmentFactory(agreement=agreement, timeline_wording="as soon as possible")
    page = analyst_client.get(prompt.get_absolute_url()).content.decode()
    assert "<bdi>no fixed date, expected promptly</bdi>" in page
    table = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "no fixed date, expected promptly" in table


def test_the_overview_counts_and_lists_what_waits_for_an_event(analyst_client, agreement):
    _pending(agreement)
    response = analyst_client.get(reverse("tracker:overview"))
    assert response.context["totals"]["pending"] == 1
    assert [c.reference for c in response.context["pending"]] == ["5.1"]
    assert READING in response.content.decode()


def test_the_overview_leaves_out_pending_commitments_of_hidden_agreements(
    analyst_client, restricted_agreement
):
    _pending(restricted_agreement)
    response = analyst_client.get(reverse("tracker:overview"))
    assert response.context["totals"]["pending"] == 0
    assert "Release prisoners" not in response.content.decode()


def _overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tracker:overview")).status_code == 200
    return len(queries.captured_queries)


def test_the_overview_reads_pending_commitments_in_a_fixed_number_of_queries(analyst_client):
    _pending(AgreementFactory())
    small = _overview_queries(analyst_client)
    for _ in range(12):
        _pending(AgreementFactory())
    assert _overview_queries(analyst_client) == small


def test_the_agreement_page_lists_an_undated_milestone_as_not_happened(analyst_client, agreement):
    _pending(agreement)
    page = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "<strong>not happened yet</strong> <bdi>Start of negotiations</bdi>" in page


def test_the_agreement_page_shows_its_holidays_and_grace_period(analyst_client, agreement):
    services.agreement_set_holidays(
        agreement=agreement, holidays={date(2026, 3, 23): "Pakistan Day"}
    )
    agreement.prompt_grace_days = 14
    services.agreement_save(agreement=agreement, parties=agreement.parties.all())
    page = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "<strong>23 Mar 2026</strong> <bdi>Pakistan Day</bdi>" in page
    assert "Commitments expected promptly are due 14 days after their event." in page
