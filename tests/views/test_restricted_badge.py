"""An agreement restricted to teams says so, naming them, wherever it is shown: its page, the
agreements list, the overview's cards and the admin's list; the lists read every row's teams
in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import AgreementFactory, TeamFactory

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge restricted">Restricted to: <bdi>Alpha</bdi>, <bdi>Bravo</bdi></span>'


@pytest.fixture
def teams(analyst):
    alpha, bravo = TeamFactory(name="Alpha"), TeamFactory(name="Bravo")
    alpha.members.add(analyst)
    return [bravo, alpha]


@pytest.fixture
def restricted(teams):
    agreement = AgreementFactory(title="Shared protocol", slug="shared-protocol")
    agreement.teams.set(teams)
    return agreement


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _restricted_agreements(count: int, teams) -> None:
    for _ in range(count):
        AgreementFactory().teams.set(teams)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_it_names_the_teams_on_the_agreements_page(analyst_client, restricted):
    content = analyst_client.get(restricted.get_absolute_url()).content.decode()
    assert BADGE in content


def test_it_shows_no_badge_for_an_open_agreement(analyst_client, agreement):
    for url in (agreement.get_absolute_url(), reverse("tracker:agreement-list"), "/"):
        assert "Restricted to" not in analyst_client.get(url).content.decode(), url


@pytest.mark.parametrize("url", [reverse("tracker:agreement-list"), reverse("tracker:overview")])
def test_it_names_the_teams_in_the_lists(analyst_client, restricted, url):
    assert BADGE in analyst_client.get(url).content.decode()


def test_it_escapes_a_team_name(analyst_client, restricted):
    restricted.teams.add(TeamFactory(name="<b>Charlie</b>"))
    content = analyst_client.get(restricted.get_absolute_url()).content.decode()
    assert "<bdi>&lt;b&gt;Charlie&lt;/b&gt;</bdi>" in content


@pytest.mark.parametrize("url", [reverse("tracker:agreement-list"), reverse("tracker:overview")])
def test_the_lists_read_the_teams_in_one_query_whatever_the_rows(
    analyst_client, restricted, teams, url
):
    few = _count(analyst_client, url)
    _restricted_agreements(8, teams)
    assert _count(analyst_client, url) == few


def test_the_admins_list_has_a_restricted_to_column(admin_client, restricted, agreement):
    content = admin_client.get(reverse("admin:tracker_agreement_changelist")).content.decode()
    assert "Restricted to" in content
    assert '<td class="field-restricted_to">Alpha, Bravo</td>' in content
    assert '<td class="field-restricted_to">open to all</td>' in content


def test_the_admins_list_reads_the_teams_in_one_query_whatever_the_rows(
    admin_client, restricted, teams
):
    url = reverse("admin:tracker_agreement_changelist")
    few = _count(admin_client, url)
    _restricted_agreements(8, teams)
    assert _count(admin_client, url) == few
