"""The agreement's admin page at 1,280 px: the form and its inlines fit the window, the
parties are chosen by typing, and the dates by the browser's date picker."""

import datetime

import pytest
from django.urls import reverse

from tracker.models import Role, Source

from ..factories import (
    AgreementFactory,
    CommitmentFactory,
    MilestoneFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def agreement(db):
    pak, afg = (
        PartyFactory(code="PAK", name="Pakistan"),
        PartyFactory(code="AFG", name="Afghanistan"),
    )
    agreement = AgreementFactory(
        title="Border accord", signed_on=datetime.date(2026, 1, 31), parties=[pak, afg]
    )
    Source.objects.create(
        agreement=agreement,
        title="Joint statement on the border accord, full text with annexes",
        url="https://example.org/" + "long-path/" * 40,
        publisher="Ministry of Foreign Affairs",
    )
    MilestoneFactory(agreement=agreement, name="First meeting", note="Held at the border. " * 20)
    for number in range(3):
        CommitmentFactory(
            agreement=agreement,
            reference=f"2.{number + 1}",
            title=f"Create joint border patrols along the whole frontier, stage {number + 1}",
            timeline_wording="within 3 months",
            responsible=[pak, afg],
        )
    return agreement


@pytest.fixture
def editor_page(page, sign_in):
    page.set_viewport_size(LAPTOP)
    sign_in(UserFactory(username="ed", role=Role.EDITOR, is_staff=True))
    return page


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_it_fits_the_agreement_add_page_in_1280_px(editor_page, live_server):
    editor_page.goto(f"{live_server.url}{reverse('admin:tracker_agreement_add')}")
    editor_page.wait_for_selector("#agreement_form")
    assert _page_width(editor_page) <= LAPTOP["width"]


def test_it_fits_the_agreement_change_page_with_its_commitments_in_1280_px(
    editor_page, live_server, agreement
):
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    editor_page.goto(f"{live_server.url}{url}")
    assert editor_page.locator("#commitments-group .inline-related").count() >= 3
    assert _page_width(editor_page) <= LAPTOP["width"]


def _csp_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_it_shows_the_due_date_as_the_wording_is_typed(editor_page, live_server, agreement):
    violations = _csp_violations(editor_page)
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    editor_page.goto(f"{live_server.url}{url}")
    wording = editor_page.locator("#id_commitments-0-timeline_wording")
    wording.fill("within 2 months")
    editor_page.wait_for_function(
        "() => document.querySelector('output.timeline-preview')?.textContent === "
        "'Due 31 March 2026.'"
    )
    wording.fill("when convenient")
    editor_page.wait_for_function(
        "() => document.querySelector('output.timeline-preview')?.textContent"
        ".includes('cannot be read as a deadline')"
    )
    assert _page_width(editor_page) <= LAPTOP["width"]
    assert violations == []


def test_on_the_agreements_page_the_preview_knows_its_events(editor_page, live_server, agreement):
    MilestoneFactory(agreement=agreement, name="Ratification", date=None)
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    editor_page.goto(f"{live_server.url}{url}")
    editor_page.locator("#id_commitments-0-timeline_wording").fill("within 30 days of ratification")
    editor_page.wait_for_function(
        "() => document.querySelector('output.timeline-preview')?.textContent === "
        "'Pending: due 30 days after the ratification, which has not happened.'"
    )


def test_it_finds_a_party_by_typing_its_name(editor_page, live_server, agreement):
    violations = _csp_violations(editor_page)
    PartyFactory(code="BGD", name="Bangladesh")
    editor_page.goto(f"{live_server.url}{reverse('admin:tracker_agreement_add')}")
    editor_page.locator("#id_parties + .select2-container").click()
    editor_page.keyboard.type("Bangla")
    option = editor_page.locator(".select2-results__option", has_text="Bangladesh (BGD)")
    option.click()
    assert editor_page.locator("#id_parties option:checked").all_text_contents() == [
        "Bangladesh (BGD)"
    ]
    assert violations == []


def test_it_fits_a_commitments_page_and_previews_its_due_date(editor_page, live_server, agreement):
    commitment = agreement.commitments.first()
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    editor_page.goto(f"{live_server.url}{url}")
    assert _page_width(editor_page) <= LAPTOP["width"]
    editor_page.locator("#id_timeline_wording").fill("within 1 month")
    editor_page.wait_for_function(
        "() => document.querySelector('output.timeline-preview')?.textContent === "
        "'Due 28 February 2026.'"
    )
