"""/preferences/: the weekly digest on or off, its scope, the agreements followed."""

import pytest
from django.urls import reverse

from tracker.models import DigestDelivery, DigestScope, DigestStatus

from ..factories import AgreementFactory, TeamFactory

pytestmark = pytest.mark.django_db
URL = reverse("tracker:preferences")


def test_it_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_current_settings_and_the_last_digests(analyst_client, analyst, agreement):
    DigestDelivery.objects.create(user=analyst, week="2026-W10", status=DigestStatus.SKIPPED)
    response = analyst_client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["digest_enabled"].value() is True
    assert form["digest_scope"].value() == DigestScope.ALL
    html = response.content.decode()
    assert agreement.title in html
    assert "2026-W10" in html
    assert 'id="field-digest_scope"' in html


def test_it_saves_the_scope_and_the_followed_agreements(analyst_client, analyst, agreement):
    other = AgreementFactory(title="Other")
    response = analyst_client.post(
        URL,
        {"digest_enabled": "on", "digest_scope": "followed", "followed_agreements": [agreement.pk]},
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.digest_scope == DigestScope.FOLLOWED
    assert list(analyst.followed_agreements.all()) == [agreement]
    assert other not in analyst.followed_agreements.all()


def test_it_turns_the_digest_off(analyst_client, analyst):
    analyst_client.post(URL, {"digest_scope": "all"})
    analyst.refresh_from_db()
    assert analyst.digest_enabled is False


def test_it_refuses_to_follow_an_agreement_the_user_may_not_see(analyst_client, analyst):
    hidden = AgreementFactory(title="Hidden")
    hidden.teams.add(TeamFactory())
    response = analyst_client.post(
        URL, {"digest_enabled": "on", "digest_scope": "all", "followed_agreements": [hidden.pk]}
    )
    assert response.status_code == 200
    assert "followed_agreements" in response.context["form"].errors
    assert not analyst.followed_agreements.exists()
    assert "Hidden" not in response.content.decode()


def test_followed_only_needs_an_agreement_to_follow(analyst_client, analyst, agreement):
    response = analyst_client.post(URL, {"digest_enabled": "on", "digest_scope": "followed"})
    assert response.status_code == 200
    assert "Follow at least one agreement" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.digest_scope == DigestScope.ALL
