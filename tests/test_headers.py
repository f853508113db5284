"""Every page carries a Content-Security-Policy without inline script, and has none."""

import datetime
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(commitment):
    return [
        reverse("tracker:overview"),
        reverse("tracker:agreement-list"),
        commitment.agreement.get_absolute_url(),
        commitment.get_absolute_url(),
        reverse("tracker:overdue"),
        reverse("tracker:search") + "?q=x",
        reverse("password_change"),
        reverse("api-docs"),
    ]


def test_every_page_sends_a_strict_content_security_policy(analyst_client, pages):
    for url in pages:
        policy = analyst_client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


# A script element without src, other than a JSON data block (json_script: read, never run).
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>')


def test_no_page_has_inline_script_or_style(analyst_client, pages):
    for url in pages:
        html = analyst_client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"<style", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_the_login_page_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def admin_rows(admin_user, commitment):
    """A row of every kind the admin lists, with its history."""
    from tracker import services
    from tracker.models import DigestDelivery, JobRun

    from .factories import EvidenceFactory, TeamFactory

    TeamFactory().members.add(admin_user)
    evidence = EvidenceFactory(commitment=commitment)
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="r", evidence=evidence, by=admin_user
    )
    services.overdue_scan(today=commitment.due_on + datetime.timedelta(days=1))
    assert JobRun.objects.exists()
    assert commitment.overdue_flags.exists()
    DigestDelivery.objects.create(user=admin_user, week="2026-W10")


def test_every_admin_page_sends_the_policy_and_has_no_inline_script_or_style(
    admin_client, admin_rows
):
    from .helpers import admin_pages

    paths = admin_pages()
    assert any("/history/" in path for path in paths)
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code in (200, 302, 403), path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=|<style", html), path
        assert not re.search(r"\son[a-z]+=", html), path
