"""The notifications page in a real browser: a channel added, tested and deleted in place
with htmx (no reload), the URL shown masked; and the page has no WCAG 2.1 A/AA violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tracker.models import NotificationChannel, Role

from ..factories import UserFactory
from .conftest import mark_window, window_was_kept

pytestmark = pytest.mark.django_db(transaction=True)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TOKEN = "t0k3n-s3cret"


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=Role.ANALYST)


def test_a_channel_is_added_tested_and_deleted_in_place(sign_in, analyst, live_server, webhook):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/preferences/notifications/")
    mark_window(page)

    page.fill("#id_channel-url", "nosuchservice://abc")
    page.click("#channel-form button[type=submit]")
    expect(page.locator("#notification-channels")).to_contain_text("not a service Apprise knows")

    page.fill("#id_channel-url", webhook.url(TOKEN))
    page.click("#channel-form button[type=submit]")
    channels = page.locator("#notification-channels")
    expect(channels).to_contain_text(f"json://127.0.0.1:{webhook.port}/…")
    assert TOKEN not in page.content()

    page.click("#notification-channels button[value=test]")
    expect(page.locator("#messages")).to_contain_text("Test sent")
    assert [post["title"] for post in webhook.posts] == ["Commitment tracker: test message"]

    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()

    page.click("#notification-channels button[value=delete]")
    expect(channels).to_contain_text("No channel yet")
    assert window_was_kept(page)
    assert not NotificationChannel.objects.exists()
