"""axe-core (bundled by axe-playwright-python, run in the real browser) finds no WCAG 2.1
A or AA violation on the pages analysts use: labels, landmarks, contrast, names, order."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from tracker import services
from tracker.models import Role, Stance

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def seeded(live_server):
    today = datetime.date.today()
    pak, afg = (
        PartyFactory(code="PAK", name="Pakistan"),
        PartyFactory(code="AFG", name="Afghanistan"),
    )
    agreement = AgreementFactory(
        slug="accord", signed_on=today - datetime.timedelta(days=100), parties=[pak, afg]
    )
    late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="within 110 days")
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    services.evidence_log(
        commitment=late, by=analyst, summary="Seen", stance=Stance.PROGRESS, claimed_by=pak
    )
    services.overdue_scan(today=today)
    return {"analyst": analyst, "commitment": late}


def _violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def test_the_sign_in_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert _violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/agreements/",
        "/agreements/accord/",
        "COMMITMENT",
        "/overdue/",
        "/search/?q=seen",
        "/preferences/",
    ],
)
def test_the_pages_are_accessible(sign_in, seeded, live_server, path):
    page = sign_in(seeded["analyst"])
    if path == "COMMITMENT":
        path = seeded["commitment"].get_absolute_url()
    page.goto(f"{live_server.url}{path}")
    assert _violations(page) == []


def test_the_keyboard_alone_reaches_the_content_and_logs_evidence(sign_in, seeded, live_server):
    page = sign_in(seeded["analyst"])
    page.goto(f"{live_server.url}{seeded['commitment'].get_absolute_url()}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#id_summary")
    page.keyboard.type("Typed without a mouse")
    page.focus("#evidence-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#history >> text=Typed without a mouse")
