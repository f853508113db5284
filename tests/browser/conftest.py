"""Headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against the live
server. A downloaded browser cannot be had here, so the launch names the executable."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db):
    """The role groups and permissions that migrating made, present in every browser test.

    A transactional test ends with a flush that keeps no row, and the next one puts back the
    migrated rows from the copy Django kept on the connection (`serialized_rollback`, which
    `tests/conftest.py` turns on). Under Playwright the test runs with another connection
    object, one without that copy, so after a Celery or live-server test the browser test met
    an empty `auth_group` ("Group matching query does not exist"). Emitting `post_migrate`
    makes the content types, permissions and role groups again, as a flush without the copy
    does."""
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal

    if not Group.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the login page, as a person would."""

    def _sign_in(user, password: str = "pass-for-tests"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in


def mark_window(page) -> None:
    """A flag on `window`: it survives htmx swaps and is gone after a full page load."""
    page.evaluate("window.__noReload = true")


def window_was_kept(page) -> bool:
    return page.evaluate("window.__noReload === true")
