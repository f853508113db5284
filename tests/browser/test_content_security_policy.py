"""The strict Content-Security-Policy breaks nothing: no page, the admin's included, makes
the browser refuse a script or a style."""

import pytest

from tracker.models import Role

from ..factories import CommitmentFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_trips_the_policy(sign_in, live_server):
    editor = UserFactory(username="ed", role=Role.EDITOR, is_staff=True)
    commitment = CommitmentFactory()
    EvidenceFactory(commitment=commitment)
    page = sign_in(editor)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    agreement = commitment.agreement
    for path in [
        "/",
        "/agreements/",
        agreement.get_absolute_url(),
        commitment.get_absolute_url(),
        "/overdue/",
        "/search/?q=commitment",
        "/admin/",
        f"/admin/tracker/agreement/{agreement.pk}/change/",
        f"/admin/tracker/commitment/{commitment.pk}/change/",
        "/admin/tracker/commitment/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []


# Every violation the page reports, whether or not the console shows it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def test_the_admins_history_pages_trip_nothing(sign_in, live_server):
    """django-simple-history's history list has an inline style of its own; the project's
    copy of that template (templates/simple_history/) moves it to a stylesheet."""
    editor = UserFactory(username="ed", role=Role.EDITOR, is_staff=True)
    commitment = CommitmentFactory()
    evidence = EvidenceFactory(commitment=commitment)
    agreement = commitment.agreement
    page = sign_in(editor)
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    record = commitment.history.latest()
    paths = [
        f"/admin/tracker/agreement/{agreement.pk}/history/",
        f"/admin/tracker/commitment/{commitment.pk}/history/",
        f"/admin/tracker/commitment/{commitment.pk}/history/{record.history_id}/",
        f"/admin/tracker/evidence/{evidence.pk}/history/",
        f"/admin/tracker/party/{agreement.parties.first().pk}/history/",
    ]
    violations = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("#content-main").count() == 1, path
        if found := page.evaluate("window.__cspViolations"):
            violations[path] = found
    assert violations == {}
    assert [text for text in console if "Content Security Policy" in text] == []


def test_the_history_list_keeps_its_paginator_without_a_top_border(sign_in, live_server):
    editor = UserFactory(username="ed", role=Role.EDITOR, is_staff=True)
    commitment = CommitmentFactory()
    page = sign_in(editor)
    page.goto(f"{live_server.url}/admin/tracker/commitment/{commitment.pk}/history/")
    paginator = page.locator("#content-main p.paginator")
    assert paginator.evaluate("element => getComputedStyle(element).borderTopStyle") == "none"
