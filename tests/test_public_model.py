"""A public agreement is never restricted to teams (issue 22): the service lets the
restriction win, the admin refuses both at once beside the field, and the database refuses
the two together whatever writes the rows."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tracker import services
from tracker.models import Agreement

from .factories import AgreementFactory, PartyFactory, TeamFactory
from .test_admin import _agreement_form
from .test_embedded_sqlite import _demo_on_sqlite

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return [PartyFactory(code="PAK", name="Pakistan"), PartyFactory(code="AFG", name="Afghanistan")]


@pytest.fixture
def public_agreement():
    agreement = AgreementFactory(title="Open accord", slug="open-accord")
    agreement.is_public = True
    return services.agreement_save(agreement=agreement, parties=agreement.parties.all())


def test_it_publishes_an_open_agreement(public_agreement):
    public_agreement.refresh_from_db()
    assert public_agreement.is_public
    assert not public_agreement.is_restricted


def test_it_unpublishes_an_agreement_the_service_restricts(public_agreement, editor):
    team = TeamFactory()
    services.agreement_save(
        agreement=public_agreement,
        parties=public_agreement.parties.all(),
        teams=[team],
        by=editor,
    )
    public_agreement.refresh_from_db()
    assert (public_agreement.is_public, public_agreement.is_restricted) == (False, True)
    latest = public_agreement.history.order_by("-history_id").first()
    assert latest.is_public is False
    assert latest.history_user == editor


def test_it_never_publishes_an_agreement_saved_with_teams():
    agreement = AgreementFactory()
    agreement.is_public = True
    services.agreement_save(
        agreement=agreement, parties=agreement.parties.all(), teams=[TeamFactory()]
    )
    agreement.refresh_from_db()
    assert not agreement.is_public


def test_a_team_added_past_the_service_unpublishes_it_at_once(public_agreement):
    public_agreement.teams.add(TeamFactory())
    public_agreement.refresh_from_db()
    assert (public_agreement.is_public, public_agreement.is_restricted) == (False, True)


def test_the_database_refuses_a_restricted_agreement_made_public(restricted_agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=restricted_agreement.pk).update(is_public=True)


def test_an_agreement_whose_teams_all_leave_may_be_published_again(restricted_agreement):
    restricted_agreement.is_public = True
    services.agreement_save(
        agreement=restricted_agreement, parties=restricted_agreement.parties.all(), teams=[]
    )
    restricted_agreement.refresh_from_db()
    assert (restricted_agreement.is_public, restricted_agreement.is_restricted) == (True, False)


def test_the_admin_refuses_public_and_teams_together_and_saves_nothing(editor_client, parties):
    team = TeamFactory()
    data = _agreement_form(parties) | {"is_public": "on", "teams": [str(team.pk)]}
    response = editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert response.status_code == 200
    assert "cannot be public" in response.content.decode()
    assert not Agreement.objects.filter(slug="doha-follow-up").exists()


def test_the_admin_publishes_through_the_service(editor_client, parties):
    data = _agreement_form(parties) | {"is_public": "on", "public_analyst_names": "on"}
    response = editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="doha-follow-up")
    assert (agreement.is_public, agreement.public_analyst_names) == (True, True)
    assert agreement.history.first().history_user.username == "editor"


SQLITE_TEAMS = """
from tracker.models import Agreement, Team
agreement = Agreement.objects.get()
agreement.is_public = True
agreement.save()
agreement.teams.add(Team.objects.create(name="Inner"))
agreement.refresh_from_db()
restricted = (agreement.is_public, agreement.is_restricted)
agreement.teams.clear()
agreement.refresh_from_db()
print("RESULT", restricted, (agreement.is_public, agreement.is_restricted))
"""


def test_the_teams_triggers_unpublish_on_sqlite_too(tmp_path):
    assert _demo_on_sqlite(tmp_path, SQLITE_TEAMS) == "(False, True) (False, False)"
