"""Sign-in hardening: throttling, Argon2, password rules, production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from tracker import settings as project_settings
from tracker.models import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_locks_a_username_out_at_the_fifth_failure(client):
    UserFactory(username="ana", role=Role.ANALYST)
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "ana", "wrong").status_code == 200
    assert _sign_in(client, "ana", "wrong").status_code == 429
    locked = _sign_in(client, "ana", "pass-for-tests")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client):
    UserFactory(username="ana", role=Role.ANALYST)
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "ana", "wrong")
    assert _sign_in(client, "ana", "pass-for-tests").status_code == 302
    client.logout()
    assert _sign_in(client, "ana", "wrong").status_code == 200
    assert _sign_in(client, "ana", "pass-for-tests").status_code == 302


def test_passwords_are_hashed_with_argon2(settings):
    # The suite swaps in a fast hasher (tests/conftest.py); the project's setting is Argon2.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert identify_hasher(make_password("correct horse")).algorithm == "argon2"


def test_a_weak_new_password_is_refused(client):
    user = UserFactory(username="ana", role=Role.ANALYST)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-for-tests",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any("too common" in error for error in errors)
    assert any("at least 12 characters" in error for error in errors)


def test_a_user_without_a_role_is_refused(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("tracker:overview")).status_code == 403


def test_check_deploy_with_production_variables_reports_nothing():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "CELERY_", "SITE_"))
    }
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
