"""The evidence inbox in a real browser: accept, re-target and reject in place (htmx), and
the same with JavaScript off."""

import datetime

import pytest
from playwright.sync_api import expect

from tracker.models import Evidence, Proposal, ProposalState, Role

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory
from ..sources.conftest import propose
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
    trade = CommitmentFactory(
        agreement=agreement, reference="4.3", title="Encourage cross-border trade projects"
    )
    proposal = propose(patrols, "https://frontier.example/news/1")
    return {"patrols": patrols, "trade": trade, "proposal": proposal, "pak": pak}


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=Role.ANALYST)


def test_an_analyst_accepts_a_proposal_as_evidence_in_place(sign_in, analyst, world, live_server):
    proposal = world["proposal"]
    page = sign_in(analyst)
    page.click("nav >> text=Inbox")
    expect(page.locator("#proposals")).to_contain_text("Create joint border patrols")
    mark_window(page)

    page.click(f"#accept-{proposal.pk}")
    prefix = f"#id_accept-{proposal.pk}"
    expect(page.locator(f"{prefix}-source_url")).to_have_value("https://frontier.example/news/1")
    page.click(f"#accept-form-{proposal.pk} button[type=submit]")
    expect(page.locator(f"#field-accept-{proposal.pk}-stance .field-errors")).to_be_visible()
    assert not Evidence.objects.exists()

    page.select_option(f"{prefix}-stance", "progress")
    page.select_option(f"{prefix}-credibility", "2")
    page.select_option(f"{prefix}-claimed_by", str(world["pak"].pk))
    page.click(f"#accept-form-{proposal.pk} button[type=submit]")

    expect(page.locator("#messages")).to_contain_text("Accepted as evidence for 2.1.")
    expect(page.locator("#proposals")).to_contain_text("Nothing waits")
    assert window_was_kept(page)
    evidence = Evidence.objects.get()
    assert (evidence.grading, evidence.claimed_by, evidence.logged_by) == (
        "B2",
        world["pak"],
        analyst,
    )
    page.goto(f"{live_server.url}{world['patrols'].get_absolute_url()}")
    expect(page.locator("#history")).to_contain_text("Joint border patrols begin")


def test_an_analyst_retargets_a_proposal(sign_in, analyst, world, live_server):
    proposal = world["proposal"]
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/agreements/border-accord/inbox/")
    mark_window(page)
    page.select_option(f"#retarget-{proposal.pk}", str(world["trade"].pk))
    page.click(f"#retarget-form-{proposal.pk} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Proposed for 4.3 instead.")
    expect(page.locator("#proposals")).to_contain_text("Encourage cross-border trade projects")
    assert window_was_kept(page)
    moved = Proposal.objects.get(state=ProposalState.PROPOSED)
    assert moved.commitment == world["trade"]


def test_an_analyst_rejects_a_proposal_with_a_reason(sign_in, analyst, world, live_server):
    proposal = world["proposal"]
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/inbox/")
    mark_window(page)
    page.fill(f"#reject-reason-{proposal.pk}", "Old news")
    page.click(f"#reject-form-{proposal.pk} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Rejected")
    expect(page.locator("#proposals")).to_contain_text("Nothing waits")
    assert window_was_kept(page)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason) == (ProposalState.REJECTED, "Old news")


def test_bulk_reject_works_without_javascript(browser, analyst, world, live_server):
    second = propose(world["trade"], "https://frontier.example/news/2", title="Trade fair opens")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", "pass-for-tests")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/inbox/")
    page.check(f"#tick-{world['proposal'].pk}")
    page.check(f"#tick-{second.pk}")
    page.click("#bulk-form button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Rejected 2 proposals.")
    assert set(Proposal.objects.values_list("state", flat=True)) == {ProposalState.REJECTED}
    context.close()


def test_the_inbox_and_its_accept_form_are_accessible(sign_in, analyst, world, live_server):
    from .test_accessibility import _violations

    page = sign_in(analyst)
    page.goto(f"{live_server.url}/inbox/")
    assert _violations(page) == []
    page.goto(f"{live_server.url}/inbox/?accept={world['proposal'].pk}")
    assert _violations(page) == []
