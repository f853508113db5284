"""User text cannot turn the page around or widen it. A right-to-left override (U+202E) and
Urdu in a title and in evidence leave the app's own words around them (bylines, badges,
dates) in their order; a 200-character word in every name keeps every page, and the digest,
within a phone's 375 px."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tracker import digests, services
from tracker.models import DigestScope, Role

from ..factories import (
    AgreementFactory,
    CommitmentFactory,
    MilestoneFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

OVERRIDE = "\u202e"
URDU = "پاکستان اور افغانستان"
HOSTILE_TITLE = f"{OVERRIDE}Joint patrols {URDU}"

# The characters outside user text (<bdi>, dir="auto") that sit left of the one before them
# on the same line: in a left-to-right page, there must be none.
OUT_OF_ORDER = """
element => {
  const found = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
    acceptNode: node => node.parentElement.closest('bdi, [dir="auto"]')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  let previous = null;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.textContent.length; i++) {
      if (/\\s/.test(node.textContent[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width === 0) continue;
      if (previous && Math.abs(box.top - previous.top) < 3 && box.left < previous.left - 0.5) {
        found.push(node.textContent[i]);
      }
      previous = box;
    }
  }
  return found;
}
"""


def _out_of_order(locator) -> list[str]:
    return locator.evaluate(OUT_OF_ORDER)


def test_the_order_check_sees_an_override_that_is_not_isolated(page):
    page.set_content(
        f"<p id='open'>by ana <span>{OVERRIDE}Joint patrols</span> on 5 Dec 2026</p>"
        f"<p id='isolated'>by ana <bdi>{OVERRIDE}Joint patrols</bdi> on 5 Dec 2026</p>"
    )
    assert _out_of_order(page.locator("#open"))
    assert _out_of_order(page.locator("#isolated")) == []


def test_an_override_and_urdu_leave_the_apps_words_in_order(sign_in, live_server):
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    pak = PartyFactory(code="PAK", name=f"{URDU} {OVERRIDE}Pakistan")
    agreement = AgreementFactory(
        title=f"{OVERRIDE}Doha accord", parties=[pak, PartyFactory(code="AFG")]
    )
    commitment = CommitmentFactory(agreement=agreement, reference="HX14", title=HOSTILE_TITLE)
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{commitment.get_absolute_url()}")
    page.fill("#id_summary", f"{OVERRIDE}Article or report, {URDU}")
    page.fill("#id_source_title", f"{OVERRIDE}Dawn")
    page.click("#evidence-form button[type=submit]")
    expect(page.locator(".evidence-summary")).to_have_count(1)
    page.reload()

    entry = page.locator("#history li").filter(has=page.locator(".evidence-summary"))
    byline = entry.locator("p").first
    expect(byline).to_contain_text("ana")
    expect(byline).to_contain_text("logged evidence")
    assert _out_of_order(byline) == []
    assert _out_of_order(entry) == []
    assert _out_of_order(page.locator("main h1")) == []
    assert _out_of_order(page.locator(".breadcrumb")) == []
    assert _out_of_order(page.locator(".facts")) == []

    page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    assert _out_of_order(page.locator("main")) == []


def test_an_urdu_paragraph_reads_right_to_left(sign_in, live_server):
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    commitment = CommitmentFactory(description=f"{URDU}.\nSecond line in English.")
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{commitment.get_absolute_url()}")
    block = page.locator("main .summary [dir=auto]")
    assert block.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert block.evaluate("element => getComputedStyle(element).unicodeBidi") == "plaintext"


LONG = "W" * 200


@pytest.fixture
def long_names(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC))
    reader = UserFactory(username="r" * 150, role=Role.EDITOR)
    reader.digest_scope = DigestScope.ALL
    reader.save()
    parties = [PartyFactory(code="LONGA", name=LONG), PartyFactory(code="LONGB", name=LONG[:-1])]
    agreement = AgreementFactory(
        title="T" * 300, slug="s" * 80, parties=parties, summary="S" * 5_000
    )
    milestone = MilestoneFactory(
        agreement=agreement, name=LONG, note="N" * 2_000, date=datetime.date(2026, 2, 1)
    )
    commitment = CommitmentFactory(
        agreement=agreement,
        reference="R" * 30,
        title="C" * 300,
        description="D" * 20_000,
        timeline_wording="within 1 month",
        deadline_milestone=milestone,
    )
    services.evidence_log(
        commitment=commitment,
        by=reader,
        summary="E" * 5_000,
        quote="Q" * 2_000,
        source_title="T" * 300,
        source_publisher=LONG,
        source_url="https://example.org/" + "u" * 400,
        claimed_by=parties[0],
    )
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="X" * 2_000, by=reader
    )
    services.commitment_extend_deadline(
        commitment=commitment, wording="by 1 April 2026", reason="Y" * 2_000, by=reader
    )
    services.overdue_scan(today=timezone.localdate())
    return reader, agreement, commitment


WIDEST = """
() => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > 375)
  .map(element => element.tagName + "." + element.className + "#" + element.id + " "
       + Math.round(element.getBoundingClientRect().right)).slice(0, 12)
"""


def test_no_page_is_wider_than_a_phone_with_long_names_everywhere(
    sign_in, live_server, page, long_names
):
    reader, agreement, commitment = long_names
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(reader)
    paths = [
        "/",
        "/agreements/",
        agreement.get_absolute_url(),
        commitment.get_absolute_url(),
        f"/commitments/{commitment.pk}/audit/",
        "/overdue/",
        f"/search/?q={'C' * 50}",
        "/preferences/",
        "/account/calendar/",
        "/import/",
        "/draft/",
    ]
    widths = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    wide = {path: width for path, width in widths.items() if width > 375}
    culprits = {}
    for path in wide:
        page.goto(f"{live_server.url}{path}")
        culprits[path] = page.evaluate(WIDEST)
    assert wide == {}, culprits


def test_the_digest_is_no_wider_than_a_phone_with_long_names(page, long_names):
    reader, _, _ = long_names
    now = timezone.now()
    week = digests.latest_due_week(now)
    digests.deliveries_plan(week=week, now=now)
    digests.digest_deliver(user_id=reader.pk, week=week)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "T" * 300 in html
    page.set_viewport_size({"width": 375, "height": 800})
    page.set_content(html)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
