"""The overview's content is cached until the data changes, per set of visible agreements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker import services
from tracker.models import CommitmentStatus, Role

from ..factories import (
    AgreementFactory,
    CommitmentFactory,
    EvidenceFactory,
    TeamFactory,
    UserFactory,
)
from .conftest import TODAY

pytestmark = pytest.mark.django_db
URL = reverse("tracker:overview")


def _get(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    return response, len(queries)


def test_a_second_visit_is_served_from_the_cache(analyst_client, commitment):
    first, cold = _get(analyst_client)
    second, warm = _get(analyst_client)
    assert warm <= 6 < cold
    assert _content(second) == _content(first)


def _content(response) -> str:
    """The cached part: from the totals to the end of the main area (the header's CSRF token
    differs from one response to the next)."""
    html = response.content.decode()
    return html[html.index('<section aria-labelledby="totals-heading">') : html.index("</main>")]


def test_a_status_change_shows_at_once(analyst_client, analyst, commitment):
    _get(analyst_client)
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
    )
    response, _ = _get(analyst_client)
    assert response.context["totals"]["score"] == 100


def test_the_scan_shows_at_once(analyst_client, overdue_commitment):
    _get(analyst_client)
    services.overdue_scan(today=TODAY)
    response, _ = _get(analyst_client)
    assert response.context["totals"]["overdue"] == 1


def test_a_retraction_shows_at_once(analyst_client, analyst, commitment):
    evidence = EvidenceFactory(commitment=commitment, summary="Seen at the border")
    _get(analyst_client)
    services.evidence_retract(evidence=evidence, reason="wrong", by=analyst)
    response, _ = _get(analyst_client)
    assert "retracted" in response.content.decode()


def test_users_who_see_different_agreements_never_share_it(client, analyst_client, analyst):
    team = TeamFactory()
    team.members.add(analyst)
    secret = AgreementFactory(title="Secret channel")
    secret.teams.add(team)
    assert "Secret channel" in _get(analyst_client)[0].content.decode()
    outsider = UserFactory(username="outsider", role=Role.ANALYST)
    client.force_login(outsider)
    assert "Secret channel" not in _get(client)[0].content.decode()


def test_a_new_day_is_a_new_page(analyst_client, time_machine, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="by 20 June 2026")
    assert "due in 5 days" in _get(analyst_client)[0].content.decode()
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, tzinfo=datetime.UTC), tick=False)
    assert "due in 4 days" in _get(analyst_client)[0].content.decode()
