"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

`playwright install` cannot download a browser here, so pytest-playwright is pointed at the
system one. Playwright's sync API runs an event loop in the test's thread, so Django's ORM
(the fixtures, the assertions) must be told that is fine; set before any fixture runs.
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
PASSWORD = "pass-for-tests"  # tests/factories.py UserFactory


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def log_in(live_server, page):
    """Sign in through the login page, as a person would."""

    def log_in(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return log_in
