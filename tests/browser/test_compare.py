"""The comparison page in a real browser: a reader picks two agreements from the agreements
list's link and sees them side by side on a wide screen (no WCAG 2.1 A or AA violation),
and stacked, nothing wider than the screen, on a 375 px phone."""

import re

import pytest

from tracker.models import Role

from ..comparison_data import build
from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory
from .test_accessibility import _violations
from .test_text_direction import HOSTILE_TITLE, OUT_OF_ORDER

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}
LONG_TITLE = (
    "Memorandum of understanding on the joint management of the Torkham and Chaman "
    "crossings and the exchange of information between the border authorities"
)


@pytest.fixture
def reader(page, sign_in):
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    build(analyst)
    long_one = AgreementFactory(title=LONG_TITLE, slug="memorandum-torkham-chaman")
    CommitmentFactory(agreement=long_one, timeline_wording="by 1 March 2026")
    sign_in(analyst)
    return page


def _pick_two(page, live_server):
    page.goto(f"{live_server.url}/agreements/")
    page.get_by_role("link", name="Compare two or three agreements").click()
    page.select_option("#compare-a1", "border-accord")
    page.select_option("#compare-a2", "memorandum-torkham-chaman")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?a=border-accord&a=memorandum-torkham-chaman&a=")


def _tops(page) -> list[float]:
    return page.locator(".compare-column").evaluate_all(
        "columns => columns.map(column => column.getBoundingClientRect().top)"
    )


def test_a_reader_picks_two_agreements_and_sees_them_side_by_side(reader, live_server):
    reader.set_viewport_size(WIDE)
    _pick_two(reader, live_server)
    assert reader.locator(".compare-column h2").all_inner_texts() == ["Border accord", LONG_TITLE]
    met_on_time = reader.locator(".compare-column .met-on-time").first.inner_text()
    assert re.match(r"\d+ % 1 of \d decided, of 5 with a deadline", met_on_time)
    top_left, top_right = _tops(reader)
    assert top_left == top_right
    assert reader.locator(".compare-column svg.spark").count() >= 4
    assert _violations(reader) == []


def test_on_a_phone_they_are_stacked_and_nothing_is_wider_than_the_screen(reader, live_server):
    reader.set_viewport_size(PHONE)
    _pick_two(reader, live_server)
    assert reader.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    top_first, top_second = _tops(reader)
    assert top_second > top_first
    rights = reader.locator(
        ".compare-column, .compare-column svg, #compare-form select"
    ).evaluate_all("elements => elements.map(element => element.getBoundingClientRect().right)")
    assert max(rights) <= PHONE["width"]


def test_long_names_and_a_hostile_title_stay_within_a_phone_and_in_order(
    page, sign_in, live_server
):
    long_word = "W" * 200
    parties = [
        PartyFactory(code="LONGA", name=long_word),
        PartyFactory(code="LONGB", name="V" * 200),
    ]
    first = AgreementFactory(title="T" * 300, slug="s" * 80, parties=parties)
    CommitmentFactory(agreement=first, timeline_wording="by 1 March 2026")
    second = AgreementFactory(title=HOSTILE_TITLE, slug="hostile")
    CommitmentFactory(agreement=second, timeline_wording="by 1 March 2026")
    page.set_viewport_size(PHONE)
    sign_in(UserFactory(username="r" * 150, role=Role.VIEWER))
    page.goto(f"{live_server.url}/compare/?a={'s' * 80}&a=hostile")
    assert page.locator(".compare-column").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(".compare-column").nth(1).evaluate(OUT_OF_ORDER) == []
