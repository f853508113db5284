"""The French and the Urdu interface in Chromium (issue 23): the overview, an agreement and a
commitment load in each, the Urdu page is mirrored (the header's first item at the right
edge), and at 375 px no page is wider than the screen."""

import datetime

import pytest

from tracker import services
from tracker.models import AgreementText, Role

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


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
    for number, wording in enumerate(["within 1 month", "within 2 years"]):
        CommitmentFactory(
            agreement=agreement,
            reference=f"2.{number + 1}",
            title=f"Create joint border patrols along the whole frontier, stage {number + 1}",
            timeline_wording=wording,
            responsible=[pak, afg],
        )
    services.agreement_text_save(
        text=AgreementText(
            agreement=agreement,
            language="ur",
            title="سرحدی معاہدہ",
            text="فریقین مشترکہ سرحدی گشت قائم کرنے پر متفق ہیں۔",
            is_authentic=True,
        )
    )
    services.overdue_scan(today=today)
    return agreement


def _pages(live_server, agreement) -> list[str]:
    commitment = agreement.commitments.order_by("reference").first()
    return [
        f"{live_server.url}/",
        f"{live_server.url}{agreement.get_absolute_url()}",
        f"{live_server.url}{commitment.get_absolute_url()}",
    ]


def _reader(page, sign_in, language: str):
    page.set_viewport_size(DESKTOP)
    sign_in(UserFactory(username=f"reader-{language}", role=Role.ANALYST, language=language))
    return page


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ur", "rtl")])
def test_each_page_loads_in_the_language_and_fits_a_phone(
    page, sign_in, live_server, agreement, language, direction
):
    _reader(page, sign_in, language)
    for url in _pages(live_server, agreement):
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        assert response.status == 200, url
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (language, direction)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide in {language}"


def _brand_edges(page) -> tuple[float, float, float]:
    box = page.locator(".site-nav .brand").bounding_box()
    nav = page.locator(".site-nav").bounding_box()
    return box["x"] - nav["x"], nav["x"] + nav["width"] - (box["x"] + box["width"]), nav["width"]


def test_the_urdu_page_is_mirrored_and_the_french_one_is_not(page, sign_in, live_server, agreement):
    _reader(page, sign_in, "ur")
    page.goto(f"{live_server.url}/")
    from_left, from_right, width = _brand_edges(page)
    assert from_right < width / 4 < from_left, "in Urdu the header starts at the right"
    page.locator(".language-switch button[value=fr]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    from_left, from_right, width = _brand_edges(page)
    assert from_left < width / 4 < from_right, "in French the header starts at the left"


def test_the_agreement_page_shows_the_urdu_text_in_its_own_direction(
    page, sign_in, live_server, agreement
):
    _reader(page, sign_in, "ur")
    page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    page.locator(".agreement-text summary").click()
    block = page.locator(".agreement-text .user-block")
    assert block.evaluate("element => getComputedStyle(element).direction") == "rtl"
    chart = page.locator("figure svg").first
    assert chart.evaluate("element => getComputedStyle(element).direction") == "ltr"
