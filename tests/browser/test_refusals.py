"""Refusals in the real browser: in the app's layout, accessible, within the policy, and no
page load ends in a 404 for an icon."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tracker.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def viewer_page(sign_in):
    page = sign_in(UserFactory(username="viewer", role=Role.VIEWER))
    page.add_init_script(RECORD_VIOLATIONS)
    page.failed = []
    page.on(
        "response",
        lambda response: (
            page.failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    return page


def _violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [violation["id"] for violation in results.response["violations"]]


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/admin/", "Data entry is for editors and administrators"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_a_refusal_is_in_the_layout_and_leads_back(viewer_page, live_server, path, heading):
    viewer_page.goto(f"{live_server.url}{path}")
    viewer_page.wait_for_load_state("networkidle")
    assert viewer_page.get_by_role("heading", level=1).inner_text() == heading
    assert viewer_page.evaluate("window.__cspViolations") == []
    assert viewer_page.failed == []  # its stylesheets, script and icon
    assert _violations(viewer_page) == []
    viewer_page.get_by_role("link", name="Back to the overview").click()
    viewer_page.wait_for_url(f"{live_server.url}/")


def test_a_page_without_an_icon_link_finds_the_icon(page, live_server, caplog):
    """The admin's sign-in page names no icon, so the browser asks for /favicon.ico (a
    request Playwright does not report; the server's log of 404s does)."""
    page.goto(f"{live_server.url}/admin/login/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == []
