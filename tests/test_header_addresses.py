"""The header's addresses, reversed once per URL configuration, script prefix and language
(`templatetags.layout`), follow the script prefix a site is served under (SCRIPT_NAME), page
after page, and are the addresses `reverse` gives."""

import pytest
from django.urls import reverse, set_script_prefix

from tracker.templatetags.layout import HEADER_URL_NAMES, _addresses

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_prefix():
    set_script_prefix("/tracker/")
    yield
    set_script_prefix("/")


def test_it_gives_what_reverse_gives():
    assert _addresses() == {name: reverse(name) for name in HEADER_URL_NAMES}


def test_it_follows_the_script_prefix(under_prefix):
    assert _addresses() == {name: reverse(name) for name in HEADER_URL_NAMES}
    assert all(url.startswith("/tracker/") for url in _addresses().values())


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
