"""Every page carries a Content-Security-Policy without inline script, and has none."""

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
    ]


def test_every_page_sends_a_strict_content_security_policy(analyst_client, pages):
    for url in pages:
        policy = analyst_client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_no_page_has_inline_script_or_style(analyst_client, pages):
    for url in pages:
        html = analyst_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"<style", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_the_login_page_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
