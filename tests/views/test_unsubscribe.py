"""/unsubscribe/<token>/: signed, no login; GET asks, POST (or an RFC 8058 one-click POST)
turns the digest off."""

import pytest
from django.test import Client
from django.urls import reverse

from tracker import digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(analyst):
    return reverse("tracker:unsubscribe", args=[digests.unsubscribe_token(analyst)])


def test_get_asks_for_confirmation_and_changes_nothing(client, analyst, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Stop sending me the weekly digest" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.digest_enabled is True


def test_the_confirmation_button_unsubscribes_without_a_login(client, analyst, url):
    response = client.post(url)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.digest_enabled is False


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(analyst, url):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    analyst.refresh_from_db()
    assert analyst.digest_enabled is False


def test_a_tampered_token_is_refused_and_changes_nothing(client, analyst, viewer):
    forged = f"{viewer.pk}:{digests.unsubscribe_token(analyst).split(':', 1)[1]}"
    response = client.post(reverse("tracker:unsubscribe", args=[forged]))
    assert response.status_code == 400
    viewer.refresh_from_db()
    assert viewer.digest_enabled is True
