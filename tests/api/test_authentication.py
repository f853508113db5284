"""Who may use the API: a token for scripts, the session for the browser, and a role."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/agreements/"


def test_anonymous_requests_are_told_to_authenticate_with_a_token():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_opens_it(viewer_api):
    assert viewer_api.get(URL).status_code == 200


def test_a_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(URL).status_code == 401


def test_the_browser_session_opens_it(analyst_client):
    assert analyst_client.get(URL).status_code == 200


def test_a_session_post_needs_the_csrf_token(analyst, commitment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(
        f"/api/v1/commitments/{commitment.pk}/status/",
        {"status": "in_progress", "reason": "x", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_user_without_a_role_is_refused():
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get(URL).status_code == 403


def test_scripts_get_their_token_with_username_and_password(analyst):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "analyst", "password": "pass-for-tests"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=analyst).key


def test_a_wrong_password_gets_no_token(analyst):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "analyst", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert not Token.objects.exists()


def _ask_for_a_token(password: str):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": "analyst", "password": password}, format="json"
    )


def test_a_locked_out_token_request_is_a_429_as_on_the_sign_in_page(analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _ask_for_a_token("wrong").status_code == 400
    locked = _ask_for_a_token("wrong")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert "Too many failed sign-ins" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME * 3600


def test_a_locked_out_username_gets_no_token_with_the_right_password(analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _ask_for_a_token("wrong")
    assert _ask_for_a_token("pass-for-tests").status_code == 429
    assert not Token.objects.exists()
