"""What an analyst does every morning, in a real browser."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tracker import services
from tracker.models import Evidence, StatusChange

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory
from .conftest import mark_window, window_was_kept

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(live_server):
    """An agreement signed 100 days ago: one commitment overdue, one due soon, one done."""
    today = datetime.date.today()
    pak, afg = (
        PartyFactory(code="PAK", name="Pakistan"),
        PartyFactory(code="AFG", name="Afghanistan"),
    )
    agreement = AgreementFactory(
        title="Border accord",
        slug="border-accord",
        signed_on=today - datetime.timedelta(days=100),
        parties=[pak, afg],
    )
    patrols = CommitmentFactory(
        agreement=agreement,
        reference="2.1",
        title="Create joint border patrols",
        timeline_wording="Within 1 month",
        theme="border",
    )
    CommitmentFactory(
        agreement=agreement,
        reference="2.2",
        title="Create communication networks",
        timeline_wording="within 110 days",
        theme="communications",
        responsible=[afg],
    )
    services.overdue_scan(today=today)
    return {"agreement": agreement, "patrols": patrols}


@pytest.fixture
def analyst(db):
    from tracker.models import Role

    return UserFactory(username="ana", role=Role.ANALYST)


def test_an_analyst_signs_in_and_sees_the_overview(sign_in, analyst, world):
    page = sign_in(analyst)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.locator(".badge.role")).to_have_text("Analyst")
    expect(page.locator(".agreement-card")).to_contain_text("Border accord")
    expect(page.locator(".stat.alert dd")).to_have_text("1")


def test_filtering_reloads_only_the_table_and_keeps_the_url_in_step(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/agreements/border-accord/")
    expect(page.locator("#commitments-table tbody tr")).to_have_count(2)
    mark_window(page)

    page.select_option("#id_theme", "communications")

    expect(page).to_have_url(re.compile(r"theme=communications"))
    expect(page.locator("#commitments-table tbody tr")).to_have_count(1)
    expect(page.locator("#commitments-table")).to_contain_text("Create communication networks")
    assert window_was_kept(page), "the whole page was loaded again"

    page.reload()
    expect(page.locator("#commitments-table tbody tr")).to_have_count(1)
    expect(page.locator("#id_theme")).to_have_value("communications")

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/agreements/border-accord/")
    expect(page.locator("#commitments-table tbody tr")).to_have_count(2)


def test_the_overdue_filter_and_sort_keep_the_url(sign_in, analyst, world, live_server):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/agreements/border-accord/")
    page.select_option("#id_overdue", "yes")
    expect(page).to_have_url(re.compile(r"overdue=yes"))
    expect(page.locator("#commitments-table tbody tr")).to_have_count(1)
    expect(page.locator("#commitments-table")).to_contain_text("Create joint border patrols")


def test_logging_evidence_shows_it_in_the_history_without_reloading(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    mark_window(page)

    page.fill("#id_summary", "Joint patrol seen at Torkham")
    page.select_option("#id_stance", "progress")
    page.select_option("#id_reliability", "B")
    page.select_option("#id_credibility", "2")
    page.click("#evidence-form button[type=submit]")

    expect(page.locator("#history")).to_contain_text("Joint patrol seen at Torkham")
    expect(page.locator("#id_summary")).to_have_value("")
    assert window_was_kept(page)
    assert Evidence.objects.get().logged_by == analyst


def test_an_invalid_evidence_form_shows_the_message_beside_the_field(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    page.fill("#id_source_url", "javascript:alert(1)")
    page.click("#evidence-form button[type=submit]")

    summary_errors = page.locator("#field-summary .field-errors")
    expect(summary_errors).to_contain_text("This field is required.")
    expect(page.locator("#field-source_url .field-errors")).to_be_visible()
    assert not Evidence.objects.exists()


def test_changing_the_status_updates_the_history_and_the_score(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    expect(page.locator("#agreement-score")).to_contain_text("0 %")

    page.select_option("#id_status", "implemented")
    page.fill("#id_reason", "Weekly joint patrols since May")
    page.click("#status-form button[type=submit]")

    expect(page.locator("#history")).to_contain_text("Weekly joint patrols since May")
    expect(page.locator("#agreement-score")).to_contain_text("50 %")
    expect(page.locator(".status-line")).to_contain_text("Implemented")
    assert StatusChange.objects.get().to_status == "implemented"


def test_a_status_change_is_announced_and_focus_goes_to_the_history(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    mark_window(page)
    live_region = page.locator("#messages")
    expect(live_region).to_have_attribute("aria-live", "polite")
    expect(live_region).to_have_text("")

    page.select_option("#id_status", "in_progress")
    page.fill("#id_reason", "Patrols began in May")
    page.click("#status-form button[type=submit]")

    expect(live_region).to_have_text("Status changed.")
    expect(page.locator("#history-heading")).to_be_focused()
    assert window_was_kept(page)


def test_logged_evidence_is_announced_and_focus_goes_to_the_history(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")

    page.fill("#id_summary", "Joint patrol seen at Torkham")
    page.click("#evidence-form button[type=submit]")

    expect(page.locator("#messages")).to_have_text("Evidence logged.")
    expect(page.locator("#history-heading")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "history-heading"


def test_a_refused_status_change_announces_nothing_and_focuses_the_field_in_error(
    sign_in, analyst, world, live_server
):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    page.select_option("#id_status", "in_progress")
    page.click("#status-form button[type=submit]")

    expect(page.locator("#field-reason .field-errors")).to_be_visible()
    expect(page.locator("#messages")).to_have_text("")
    expect(page.locator("#id_reason")).to_be_focused()


def test_the_overdue_page_lists_what_is_late(sign_in, analyst, world, live_server):
    page = sign_in(analyst)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overdue").click()
    expect(page.get_by_role("heading", name="Overdue commitments")).to_be_visible()
    expect(page.locator(".overdue-group")).to_contain_text("Create joint border patrols")
    expect(page.locator(".overdue-group h3")).to_have_count(2)


def test_forms_work_without_javascript(browser, analyst, world, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", "pass-for-tests")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    page.fill("#id_summary", "Seen without scripts")
    page.click("#evidence-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Evidence logged.")
    expect(page.locator("#history")).to_contain_text("Seen without scripts")
    page.goto(f"{live_server.url}/agreements/border-accord/?theme=border")
    expect(page.locator("#commitments-table tbody tr")).to_have_count(1)
    context.close()


@pytest.mark.parametrize("path", ["/", "/agreements/border-accord/", "/overdue/"])
def test_pages_fit_a_phone_screen(browser, sign_in, analyst, world, live_server, path):
    page = sign_in(analyst)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 375px screen"
