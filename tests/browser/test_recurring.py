"""A recurring commitment's page in a real browser: evidence logged in the current period
marks it met in the series without a reload, and the page has no WCAG 2.1 A/AA violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tracker.models import Role

from ..factories import AgreementFactory, CommitmentFactory, UserFactory
from .conftest import mark_window, window_was_kept

pytestmark = pytest.mark.django_db(transaction=True)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def monthly(live_server):
    today = datetime.date.today()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    return CommitmentFactory(
        agreement=agreement, reference="4.1", title="Monthly meeting", timeline_wording="monthly"
    )


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=Role.ANALYST)


def test_logging_evidence_marks_the_current_period_met_without_reloading(
    sign_in, analyst, monthly, live_server
):
    today = datetime.date.today()
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{monthly.get_absolute_url()}")
    current = page.locator("#series tr.period-current")
    expect(current).to_contain_text(f"{today:%B %Y}")
    mark_window(page)

    page.fill("#id_summary", "The monthly meeting was held")
    page.select_option("#id_stance", "progress")
    page.fill("#id_occurred_on", today.isoformat())
    page.click("#evidence-form button[type=submit]")

    met = page.locator("#series tr.period-met")
    expect(met).to_contain_text(f"{today:%B %Y}")
    expect(met).to_contain_text("The monthly meeting was held")
    expect(page.locator("#series tr.period-current")).to_have_count(0)
    assert window_was_kept(page)


def test_the_recurring_commitment_page_is_accessible(sign_in, analyst, monthly, live_server):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{monthly.get_absolute_url()}")
    results = Axe().run(page, options=WCAG)
    assert [violation["id"] for violation in results.response["violations"]] == []
