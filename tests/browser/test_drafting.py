"""An editor drafts an agreement from the seed article in a real browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..factories import AgreementFactory, PartyFactory

SEED = (Path(__file__).parents[1] / "data" / "seed-article-pakistan-afghanistan.txt").read_text()


def proposal(page, title: str):
    return page.locator("fieldset.proposal").filter(has=page.locator(f'input[value="{title}"]'))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_walks_an_editor_from_paste_to_accepted_commitments(live_server, sign_in, editor):
    page = sign_in(editor)
    page.get_by_role("link", name="Draft from an article").click()
    page.get_by_label("Article or agreement text").fill(SEED)
    page.get_by_role("button", name="Propose commitments").click()

    expect(page.get_by_role("heading", name="Review the proposed commitments")).to_be_visible()
    agreement = page.locator("#agreement-form")
    expect(agreement.get_by_label("Title")).to_have_value(
        "Pakistan and Afghanistan Unite to Combat Cross-Border Terrorism"
    )
    expect(agreement.get_by_label("Pakistan (PAK)")).to_be_checked()
    expect(agreement.get_by_label("Afghanistan (AFG)")).to_be_checked()
    agreement.get_by_label("Signed or announced on").fill("2026-01-31")
    page.screenshot(path="/tmp/draft-review.png", full_page=True)
    proposal(page, "Surge in joint military exercises").get_by_label("Accept").uncheck()
    networks = proposal(page, "Create communication networks")
    networks.get_by_label("Title").fill("Create secure communication networks")
    networks.get_by_label("Timeline").fill("Within 2 months")
    page.get_by_role("button", name="Accept the ticked commitments").click()

    expect(page).to_have_url(
        f"{live_server.url}/agreements/pakistan-and-afghanistan-unite-to-combat-cross-border-terrorism/"
    )
    expect(page.get_by_text("8 commitments added from the article.")).to_be_visible()
    rows = page.locator("#commitments-table tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.filter(has_text="Another meeting is scheduled")).to_contain_text("28 Feb 2026")
    expect(rows.filter(has_text="Create joint border patrols")).to_contain_text("30 Apr 2026")
    expect(rows.filter(has_text="Create secure communication networks")).to_contain_text(
        "31 Mar 2026"
    )
    expect(rows.filter(has_text="Improved intelligence exchange")).to_contain_text("—")
    expect(page.get_by_text("Surge in joint military exercises")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_offers_the_existing_agreement_and_adds_to_it(live_server, sign_in, editor):
    pakistan = PartyFactory(code="PAK", name="Pakistan")
    afghanistan = PartyFactory(code="AFG", name="Afghanistan")
    existing = AgreementFactory(
        title="Pakistan and Afghanistan unite to combat cross-border terrorism",
        parties=[pakistan, afghanistan],
    )
    page = sign_in(editor)
    page.goto(f"{live_server.url}/draft/")
    page.get_by_label("Article or agreement text").fill(SEED)
    page.get_by_role("button", name="Propose commitments").click()

    warning = page.locator("#similar-agreements")
    expect(warning.get_by_role("link", name=existing.title)).to_have_attribute(
        "href", existing.get_absolute_url()
    )
    warning.get_by_role("button", name=f"Add to {existing.title} instead").click()
    expect(page.get_by_role("heading", name=f"Adding to {existing.title}")).to_be_visible()
    expect(page.locator("#similar-agreements")).to_have_count(0)
