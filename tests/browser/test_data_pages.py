"""In headless Chromium: an editor imports the example file through the preview, exports the
table as filtered, and a user resets their calendar address."""

import csv
from pathlib import Path

import pytest

from tracker.dev import demo
from tracker.models import Agreement, Commitment

from ..factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pak-afg.yaml"


def test_an_editor_previews_imports_and_exports(sign_in, live_server):
    page = sign_in(UserFactory(username="editor", role="editor", is_staff=True))
    page.click("nav >> text=Import")
    page.set_input_files("input[type=file]", str(EXAMPLE))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#import-counts")
    assert "Preview of pak-afg.yaml" in page.inner_text("main")
    assert not Agreement.objects.exists()

    page.click("button:has-text('Import pak-afg.yaml')")
    page.wait_for_url(f"{live_server.url}/agreements/{demo.SLUG}/")
    assert "Imported pak-afg.yaml" in page.inner_text(".messages")
    assert Commitment.objects.filter(agreement__slug=demo.SLUG).count() == 15

    page.select_option("select[name=theme]", "border")
    page.wait_for_url("**theme=border**")
    with page.expect_download() as download:
        page.click("#commitments-table >> text=CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert [row["reference"] for row in rows] == ["2.1"]


def test_a_user_resets_their_calendar_address(sign_in, live_server):
    user = UserFactory(username="viewer", role="viewer")
    page = sign_in(user)
    page.click("nav >> text=Calendar")
    old = page.input_value("#feed-url")
    assert old.endswith(f"/calendar/{user.calendar_token}.ics")
    page.click("button:has-text('Reset the address')")
    page.wait_for_selector(".messages")
    assert page.input_value("#feed-url") != old
    feed_path = "/calendar/" + old.rsplit("/calendar/", 1)[1]
    assert page.request.get(live_server.url + feed_path).status == 404
