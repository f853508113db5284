"""On a 375 px phone the wide tables become one card per row: nothing is wider than the
screen, and each row's status, due date and overdue mark are within it, without scrolling
sideways."""

import datetime

import pytest

from tracker import services
from tracker.models import Role

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}

# The left and right edges of each matching element, as whole pixels.
EDGES = """
elements => elements.map(element => {
  const box = element.getBoundingClientRect();
  return [Math.floor(box.left), Math.ceil(box.right), box.width];
})
"""


@pytest.fixture
def agreement(db):
    today = datetime.date.today()
    pak, afg = PartyFactory(code="PAK"), PartyFactory(code="AFG")
    agreement = AgreementFactory(
        title="Border accord",
        slug="border-accord",
        signed_on=today - datetime.timedelta(days=100),
        parties=[pak, afg],
    )
    for number, wording in enumerate(["within 1 month", "within 110 days", "within 2 years"]):
        CommitmentFactory(
            agreement=agreement,
            reference=f"2.{number + 1}",
            title=f"Create joint border patrols along the whole frontier, stage {number + 1}",
            timeline_wording=wording,
            responsible=[pak, afg],
        )
    services.overdue_scan(today=today)
    return agreement


@pytest.fixture
def phone(page, sign_in, agreement):
    page.set_viewport_size(PHONE)
    sign_in(UserFactory(username="ana", role=Role.ANALYST))
    return page


def _within_the_screen(page, selector: str) -> list:
    edges = page.locator(selector).evaluate_all(EDGES)
    assert edges, f"nothing matches {selector}"
    return [edge for edge in edges if edge[0] < 0 or edge[1] > PHONE["width"] or edge[2] == 0]


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_it_shows_every_commitments_status_and_due_date_on_a_phone(phone, live_server, agreement):
    phone.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    assert _page_width(phone) <= PHONE["width"]
    rows = phone.locator("#commitments-table tbody tr")
    assert rows.count() == 3
    assert _within_the_screen(phone, "#commitments-table td[data-label=Status]") == []
    assert _within_the_screen(phone, "#commitments-table td[data-label=Due]") == []
    assert _within_the_screen(phone, "#commitments-table td[data-label=Status] .badge.late") == []


def test_it_labels_each_cell_with_its_column_on_a_phone(phone, live_server, agreement):
    phone.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    due = phone.locator("#commitments-table td[data-label=Due]").first
    label = due.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Due"'


def test_it_keeps_the_table_as_a_table_on_a_wide_screen(page, sign_in, live_server, agreement):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(UserFactory(username="ana", role=Role.ANALYST))
    page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    row = page.locator("#commitments-table tbody tr").first
    assert row.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert page.locator("#commitments-table thead").is_visible()


def test_it_shows_each_agreements_status_on_a_phone(phone, live_server):
    phone.goto(f"{live_server.url}/agreements/")
    assert _page_width(phone) <= PHONE["width"]
    assert _within_the_screen(phone, "#agreements-table td[data-label=Status]") == []
    assert _within_the_screen(phone, "#agreements-table td[data-label=Overdue]") == []
    assert _within_the_screen(phone, "#agreements-table td[data-label='Next deadline']") == []


def test_it_shows_each_overdue_rows_due_date_and_lateness_on_a_phone(phone, live_server):
    phone.goto(f"{live_server.url}/overdue/")
    assert _page_width(phone) <= PHONE["width"]
    assert phone.locator(".overdue-group tbody tr").count() >= 1
    for label in ("Due", "'Overdue by'", "Status"):
        assert _within_the_screen(phone, f".overdue-group td[data-label={label}]") == []
