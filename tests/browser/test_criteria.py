"""Completion criteria on the commitment page in a real browser: marking one met citing
evidence updates the list without a reload, and the page has no WCAG 2.1 A/AA violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tracker import services
from tracker.models import Role

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, UserFactory
from .conftest import mark_window, window_was_kept

pytestmark = pytest.mark.django_db(transaction=True)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=Role.ANALYST)


@pytest.fixture
def patrols(live_server, analyst):
    agreement = AgreementFactory(signed_on=datetime.date.today() - datetime.timedelta(days=100))
    commitment = CommitmentFactory(
        agreement=agreement, reference="2.1", title="Joint patrols", timeline_wording="ongoing"
    )
    services.criterion_add(commitment=commitment, text="First joint patrol", by=None)
    EvidenceFactory(commitment=commitment, summary="A patrol was seen at Torkham")
    return commitment


def test_marking_a_criterion_met_shows_it_met_without_reloading(
    sign_in, analyst, patrols, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{patrols.get_absolute_url()}")
    expect(page.locator("#criteria")).to_contain_text("not met")
    mark_window(page)

    page.select_option("#id_criterion-criterion", label="First joint patrol")
    page.fill("#id_criterion-met_on", datetime.date.today().isoformat())
    page.select_option("#id_criterion-evidence", index=1)
    page.click("#criterion-form button[type=submit]")

    item = page.locator("ol.criteria li").first
    expect(item).to_contain_text("met")
    expect(item).to_contain_text("A patrol was seen at Torkham")
    expect(item.locator("button")).to_have_text("Mark not met")
    assert window_was_kept(page)


def test_the_page_with_criteria_is_accessible(sign_in, analyst, patrols, live_server):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{patrols.get_absolute_url()}")
    results = Axe().run(page, options=WCAG)
    assert [violation["id"] for violation in results.response["violations"]] == []
