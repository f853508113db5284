"""An analyst saves evidence whose quote is an XSS payload: the browser shows it as text and
no script runs, no dialog opens."""

import pytest
from playwright.sync_api import expect

from tracker.models import Evidence, Role

from ..factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PAYLOAD = "<img src=x onerror=alert(1)>"


def test_a_hostile_quote_is_shown_literally_and_never_runs(sign_in, live_server):
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    commitment = CommitmentFactory(title="Create joint border patrols")
    page = sign_in(analyst)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}{commitment.get_absolute_url()}")

    page.fill("#id_summary", "Quote from a forum post")
    page.fill("#id_quote", PAYLOAD)
    page.click("#evidence-form button[type=submit]")

    expect(page.locator("#history blockquote")).to_have_text(PAYLOAD)
    page.reload()
    expect(page.locator("#history blockquote")).to_have_text(PAYLOAD)
    assert page.locator("#history img").count() == 0
    assert dialogs == []
    assert Evidence.objects.get().quote == PAYLOAD
