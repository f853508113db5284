"""Swagger UI at /api/docs/ runs under the app's strict Content-Security-Policy: it is
started from a static file, so the page shows the operations instead of staying blank."""

import pytest

from tracker.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation the page reports, whether or not the console shows it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def docs_page(sign_in, live_server):
    page = sign_in(UserFactory(username="viewer", role=Role.VIEWER))
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    page.wait_for_load_state("networkidle")
    return page


def test_it_shows_the_commitments_operations(docs_page):
    listing = docs_page.locator("#operations-commitments-commitments_list")
    assert listing.count() == 1
    assert "/api/v1/commitments/" in listing.inner_text()
    assert docs_page.locator("#operations-commitments-commitments_status_create").count() == 1


def test_it_trips_no_policy_and_logs_no_error(docs_page):
    assert docs_page.evaluate("window.__cspViolations") == []
    assert docs_page.console_errors == []


def test_try_it_out_answers_with_the_signed_in_users_session(docs_page):
    operation = docs_page.locator("#operations-parties-parties_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"


def test_unsafe_requests_to_this_site_alone_carry_the_csrf_token(docs_page):
    headers = docs_page.evaluate(
        """() => ["/api/v1/evidence/1/retract/", "https://elsewhere.example/"].map(
             (url) => window.ui.getConfigs().requestInterceptor({method: "POST", url, headers: {}})
                        .headers)"""
    )
    assert list(headers[0]) == ["X-CSRFTOKEN"]
    assert headers[1] == {}
