"""Addresses reversed once per URL configuration and script prefix (`routes.route_url`, the
header's links) follow the script prefix a site is served under (SCRIPT_NAME), page after
page, and are the addresses `reverse` gives."""

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from tracker.routes import object_url, route_url

pytestmark = pytest.mark.django_db

NAMES = ["tracker:overview", "tracker:overdue", "admin:index", "logout", "tracker:set-language"]


@pytest.fixture
def under_prefix():
    set_script_prefix("/tracker/")
    yield
    set_script_prefix("/")


def test_it_gives_what_reverse_gives():
    assert [route_url(name) for name in NAMES] == [reverse(name) for name in NAMES]


def test_it_follows_the_script_prefix(under_prefix):
    assert [route_url(name) for name in NAMES] == [reverse(name) for name in NAMES]
    assert all(route_url(name).startswith("/tracker/") for name in NAMES)


def test_it_follows_the_url_configuration():
    assert route_url("tracker:overview") == "/"
    with override_settings(ROOT_URLCONF="tests.prefixed_urls"):
        assert route_url("tracker:overview") == reverse("tracker:overview") == "/under/"
        assert object_url("tracker:commitment-detail", 7) == "/under/commitments/7/"
    assert route_url("tracker:overview") == "/"


def test_the_header_links_under_the_prefix_then_without_it(analyst_client):
    plain = analyst_client.get("/").content.decode()
    set_script_prefix("/tracker/")
    try:
        prefixed = analyst_client.get("/").content.decode()
    finally:
        set_script_prefix("/")
    again = analyst_client.get("/").content.decode()
    overdue = reverse("tracker:overdue")
    assert f'href="{overdue}"' in plain
    assert f'href="/tracker{overdue}"' in prefixed
    assert f'href="/tracker{overdue}"' not in again
