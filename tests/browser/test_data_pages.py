"""In headless Chromium: an editor imports the example file through the preview, exports the
table as filtered, and a user resets their calendar address."""

import csv
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from tracker import demo
from tracker.models import Agreement, Commitment
from tracker.roles import sync_role_groups

from ..factories import UserFactory

# Playwright's sync API keeps an event loop in the main thread from the first browser test to
# the end of the session, so Django's ORM must be allowed beside it for every later test too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pak-afg.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """A transactional test starts from the tables another one flushed: make the role groups
    (a data migration's rows) again. `sync_role_groups` is written for a migration's app
    registry and clears `models_module` on each app config; put the real ones back, or later
    flushes would no longer re-create content types and permissions."""
    modules = {config.label: config.models_module for config in django_apps.get_app_configs()}
    sync_role_groups(django_apps)
    for config in django_apps.get_app_configs():
        config.models_module = modules[config.label]


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_an_editor_previews_imports_and_exports(page, live_server):
    UserFactory(username="editor", role="editor", is_staff=True)
    _sign_in(page, live_server, "editor")
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


def test_a_user_resets_their_calendar_address(page, live_server):
    user = UserFactory(username="viewer", role="viewer")
    _sign_in(page, live_server, "viewer")
    page.click("nav >> text=Calendar")
    old = page.input_value("#feed-url")
    assert old.endswith(f"/calendar/{user.calendar_token}.ics")
    page.click("button:has-text('Reset the address')")
    page.wait_for_selector(".messages")
    assert page.input_value("#feed-url") != old
    feed_path = "/calendar/" + old.rsplit("/calendar/", 1)[1]
    assert page.request.get(live_server.url + feed_path).status == 404
