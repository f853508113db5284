"""Who may use the admin, and what they see there."""

import pytest
from django.urls import reverse

from tracker.models import Role

from .factories import AgreementFactory, CommitmentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_commitment():
    agreement = AgreementFactory(title="Secret channel")
    agreement.teams.add(TeamFactory())
    return CommitmentFactory(agreement=agreement, title="Secret patrols")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
@pytest.mark.parametrize(
    "name", ["admin:index", "admin:login", "admin:tracker_commitment_changelist"]
)
def test_readers_and_analysts_are_told_data_entry_is_for_editors(client, role, name):
    client.force_login(UserFactory(username="u", role=role))
    response = client.get(reverse(name))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Data entry is for editors and administrators" in page
    assert '<header class="site-header">' in page  # the app's layout, not the admin's
    assert '<a href="/">Back to the overview</a>' in page
    assert 'name="password"' not in page
    assert "no-cache" in response["Cache-Control"]


def test_anyone_not_signed_in_is_sent_to_the_admins_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(response["Location"]).status_code == 200


def test_an_editor_enters_data_but_does_not_manage_users(editor_client):
    assert editor_client.get(reverse("admin:tracker_commitment_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:tracker_agreement_add")).status_code == 200
    assert editor_client.get(reverse("admin:tracker_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:tracker_team_changelist")).status_code == 403


def test_an_editor_outside_the_team_does_not_see_a_restricted_agreement(
    editor_client, restricted_commitment
):
    listing = editor_client.get(reverse("admin:tracker_commitment_changelist"))
    assert "Secret patrols" not in listing.content.decode()
    change = reverse("admin:tracker_commitment_change", args=[restricted_commitment.pk])
    assert editor_client.get(change).status_code == 302  # the admin's "does not exist"
    agreements = editor_client.get(reverse("admin:tracker_agreement_changelist"))
    assert "Secret channel" not in agreements.content.decode()


def test_the_admin_role_sees_and_manages_everything(admin_client, restricted_commitment):
    listing = admin_client.get(reverse("admin:tracker_commitment_changelist"))
    assert "Secret patrols" in listing.content.decode()
    assert admin_client.get(reverse("admin:tracker_user_changelist")).status_code == 200


def test_a_non_superuser_admin_has_every_permission(client):
    admin = UserFactory(username="boss", role=Role.ADMIN, is_staff=True)
    client.force_login(admin)
    assert admin.has_perm("tracker.add_team")
    assert admin.has_perm("tracker.change_user")
    assert client.get(reverse("admin:tracker_team_changelist")).status_code == 200
