"""One party's status changed on the commitment page, in a real browser (htmx)."""

import datetime

import pytest
from playwright.sync_api import expect

from tracker.models import Commitment, Obligation

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def joint(live_server):
    today = datetime.date.today()
    afg, pak = (
        PartyFactory(code="AFG", name="Afghanistan"),
        PartyFactory(code="PAK", name="Pakistan"),
    )
    agreement = AgreementFactory(
        title="Border accord", signed_on=today - datetime.timedelta(days=100), parties=[afg, pak]
    )
    return CommitmentFactory(
        agreement=agreement, title="Create joint border patrols", timeline_wording="within 1 month"
    )


def test_one_partys_status_changes_in_place_with_its_history(sign_in, analyst, joint, live_server):
    afg = Obligation.objects.get(commitment=joint, party__code="AFG")
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{joint.get_absolute_url()}")
    section = page.locator("#obligation-afg")
    section.locator("summary").click()
    page.select_option(f"#id_party-{afg.party_id}-status", "implemented")
    page.fill(f"#id_party-{afg.party_id}-reason", "Afghan patrols run weekly")
    section.locator("button[type=submit]").click()

    expect(page.locator("#messages")).to_have_text("Status of AFG changed.")
    expect(page.locator("#obligation-afg")).to_contain_text("Afghan patrols run weekly")
    expect(page.locator("#obligation-pak")).not_to_contain_text("Afghan patrols run weekly")
    expect(page.locator(".status-line")).to_contain_text("Not started")
    assert Obligation.objects.get(pk=afg.pk).status == "implemented"
    assert Commitment.objects.get(pk=joint.pk).status == "not_started"
