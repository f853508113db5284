"""/account/api-token/: a user gets, and replaces, their token for scripts."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

URL = reverse("tracker:api-token")


def test_there_is_no_token_until_the_user_asks(analyst_client, analyst):
    assert "You have no token yet." in analyst_client.get(URL).content.decode()
    assert not Token.objects.filter(user=analyst).exists()


def test_creating_shows_the_token_that_then_opens_the_api(analyst_client, analyst, client):
    analyst_client.post(URL, {"action": "reset"})
    token = Token.objects.get(user=analyst).key
    assert f'value="{token}"' in analyst_client.get(URL).content.decode()
    client.logout()
    response = client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_replacing_retires_the_old_token(analyst_client, analyst, client):
    analyst_client.post(URL, {"action": "reset"})
    old = Token.objects.get(user=analyst).key
    analyst_client.post(URL, {"action": "reset"})
    assert Token.objects.get(user=analyst).key != old
    client.logout()
    assert client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
