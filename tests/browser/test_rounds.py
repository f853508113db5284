"""Assessment rounds in a real browser: an editor opens a round and sends it to review, a
party's representative replies, the editor publishes (htmx, and without JavaScript)."""

import datetime

import pytest
from playwright.sync_api import expect

from tracker import services
from tracker.models import AssessmentRound, Role, RoundReply, RoundState

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory
from .conftest import mark_window, window_was_kept

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(live_server):
    today = datetime.date.today()
    pak = PartyFactory(code="PAK", name="Pakistan")
    afg = PartyFactory(code="AFG", name="Afghanistan")
    agreement = AgreementFactory(
        title="Border accord",
        slug="border-accord",
        signed_on=today - datetime.timedelta(days=100),
        parties=[pak, afg],
    )
    patrols = CommitmentFactory(
        agreement=agreement, reference="2.1", title="Create joint border patrols"
    )
    editor = UserFactory(username="ed", role=Role.EDITOR, is_staff=True)
    representative = UserFactory(username="afg-rep", role=Role.VIEWER)
    representative.represents_party = afg
    representative.save()
    return {
        "agreement": agreement,
        "patrols": patrols,
        "afg": afg,
        "editor": editor,
        "representative": representative,
        "cutoff": today - datetime.timedelta(days=1),
    }


def _in_review(world) -> AssessmentRound:
    round_ = services.round_open(
        agreement=world["agreement"], kind="interim", cutoff=world["cutoff"], by=world["editor"]
    )
    return services.round_to_review(round_=round_, by=world["editor"])


def test_an_editor_opens_a_round_and_sends_it_to_review(sign_in, world, live_server):
    page = sign_in(world["editor"])
    page.goto(f"{live_server.url}/agreements/border-accord/")
    page.click("#rounds-link")
    page.select_option("#id_kind", "interim")
    page.fill("#id_cutoff", world["cutoff"].isoformat())
    page.click("#open-round-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Interim round 1")
    expect(page.locator("#round-state")).to_have_text("Open")
    expect(page.locator("#commitment-" + str(world["patrols"].pk))).to_contain_text("Pakistan")
    mark_window(page)
    page.click("#review-form button[type=submit]")
    expect(page.locator("#round-state")).to_have_text("In review")
    expect(page.locator("#messages")).to_contain_text("The round is in review")
    assert window_was_kept(page)
    assert AssessmentRound.objects.get().state == RoundState.IN_REVIEW


def test_a_partys_representative_replies_in_place(sign_in, world, live_server):
    round_ = _in_review(world)
    page = sign_in(world["representative"])
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    mark_window(page)
    page.select_option("#id_commitment_id", str(world["patrols"].pk))
    page.fill("#id_text", "Our border police joined the first patrols.")
    page.select_option("#id_recalibrated_score", "2")
    page.click("#reply-form button[type=submit]")
    expect(page.locator("#field-recalibration_reason .field-errors")).to_be_visible()
    assert not RoundReply.objects.exists()
    page.fill("#id_recalibration_reason", "Two sectors of four are patrolled.")
    page.click("#reply-form button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Reply recorded.")
    obligation = page.locator(f"#obligation-{world['patrols'].pk}-{world['afg'].pk}")
    expect(obligation).to_contain_text("Our border police joined the first patrols.")
    expect(obligation).to_contain_text("recalibrated to 2")
    assert window_was_kept(page)
    reply = RoundReply.objects.get()
    assert (reply.party, reply.by_editor) == (world["afg"], False)


def test_an_editor_publishes_and_the_round_offers_no_more_actions(sign_in, world, live_server):
    round_ = _in_review(world)
    page = sign_in(world["editor"])
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    page.on("dialog", lambda dialog: dialog.accept())
    mark_window(page)
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#round-state")).to_have_text("Published")
    expect(page.locator("#publish-form")).to_have_count(0)
    expect(page.locator("#reply-form")).to_have_count(0)
    assert window_was_kept(page)
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED


def test_publishing_works_without_javascript(browser, world, live_server):
    round_ = _in_review(world)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pass-for-tests")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#round-state")).to_have_text("Published")
    expect(page.locator("#messages")).to_contain_text("Round published")
    context.close()


def test_the_round_page_is_accessible(sign_in, world, live_server):
    from .test_accessibility import _violations

    round_ = _in_review(world)
    page = sign_in(world["representative"])
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    assert _violations(page) == []
