import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker import services

from ..factories import AgreementFactory, CommitmentFactory, TeamFactory
from .conftest import TODAY, populate

pytestmark = pytest.mark.django_db


def test_it_shows_the_headline_figures(analyst_client, analyst):
    populate(2, analyst=analyst)
    response = analyst_client.get(reverse("tracker:overview"))
    totals = response.context["totals"]
    assert totals["agreements"] == 2
    assert totals["commitments"] == 6
    assert totals["overdue"] == 2
    assert totals["due_soon"] == 2
    # two implemented (3 points each) out of six scored commitments
    assert totals["score"] == round(100 * 6 / 18)


def test_each_agreement_card_has_its_party_scores_and_overdue_count(analyst_client, analyst):
    agreement = populate(1, analyst=analyst)[0]
    response = analyst_client.get(reverse("tracker:overview"))
    (card,) = response.context["agreements"]
    assert card == agreement
    assert card.overdue_count == 1
    assert card.next_due_on == datetime.date(2026, 7, 1)
    assert {party.code for party in card.party_scores} == set(
        agreement.parties.values_list("code", flat=True)
    )
    assert "1 overdue" in response.content.decode()


def test_it_lists_the_most_overdue_first(analyst_client, agreement):
    later = CommitmentFactory(agreement=agreement, timeline_wording="within 3 months")
    earlier = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(reverse("tracker:overview"))
    assert [row.id for row in response.context["overdue"]] == [earlier.pk, later.pk]


def test_it_warns_when_the_overdue_scan_never_ran(analyst_client):
    content = analyst_client.get(reverse("tracker:overview")).content.decode()
    assert "The overdue scan has never run." in content
    assert "The scheduler may be stopped" in content


def test_it_warns_when_the_overdue_scan_is_older_than_two_hours(analyst_client):
    services.overdue_scan(today=TODAY, now=timezone.now() - datetime.timedelta(hours=3))
    content = analyst_client.get(reverse("tracker:overview")).content.decode()
    assert "The scheduler may be stopped" in content


def test_it_shows_a_recent_scan_without_warning(analyst_client):
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(reverse("tracker:overview"))
    assert response.context["scan_is_stale"] is False
    assert "The scheduler may be stopped" not in response.content.decode()


def test_a_restricted_agreement_is_left_out_for_an_outsider(analyst_client, analyst):
    restricted = AgreementFactory(title="Secret channel")
    restricted.teams.add(TeamFactory())
    CommitmentFactory(agreement=restricted, timeline_wording="within 1 month")
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(reverse("tracker:overview"))
    assert response.context["totals"]["agreements"] == 0
    assert response.context["totals"]["overdue"] == 0
    assert "Secret channel" not in response.content.decode()


def test_a_team_member_sees_the_restricted_agreement(analyst_client, analyst):
    team = TeamFactory()
    team.members.add(analyst)
    restricted = AgreementFactory(title="Secret channel")
    restricted.teams.add(team)
    response = analyst_client.get(reverse("tracker:overview"))
    assert "Secret channel" in response.content.decode()
