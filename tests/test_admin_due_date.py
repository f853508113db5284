"""The due date a timeline wording gives, asked by the admin's pages as it is typed
(`tracker/admin_due_date.py`): counted as the save counts it, from what the editor may see,
and a wording the engine cannot read answered with the engine's message."""

import datetime

import pytest
from django.urls import reverse

from .factories import AgreementFactory, MilestoneFactory, TeamFactory

pytestmark = pytest.mark.django_db

PREVIEW = "admin:tracker_commitment_due_date"


@pytest.fixture
def hidden_agreement(db):
    """Restricted to a team the editor is not in."""
    agreement = AgreementFactory(title="Zanzibar accord", signed_on=datetime.date(2025, 1, 31))
    agreement.teams.add(TeamFactory(name="Inner circle"))
    return agreement


def test_the_timeline_field_names_the_due_date_preview(editor_client, commitment):
    url = reverse("admin:tracker_agreement_change", args=[commitment.agreement_id])
    page = editor_client.get(url).content.decode()
    assert f'data-due-date-url="{reverse(PREVIEW)}"' in page
    assert "js/admin-due-date.js" in page


def test_the_preview_counts_the_wording_from_the_typed_signing_date(editor_client):
    params = {"wording": "within 3 months", "signed_on": "2026-01-31"}
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer == {"due_on": "2026-04-30", "message": "Due 30 April 2026."}


def test_the_preview_counts_from_a_visible_milestone(editor_client):
    milestone = MilestoneFactory(date=datetime.date(2026, 3, 15))
    params = {"wording": "within 2 weeks", "milestone": milestone.pk, "signed_on": "2026-01-31"}
    assert editor_client.get(reverse(PREVIEW), params).json()["due_on"] == "2026-03-29"


def test_the_preview_counts_from_the_agreements_signing_on_a_commitments_page(
    editor_client, agreement
):
    params = {"wording": "within 1 month", "agreement": agreement.pk}
    assert editor_client.get(reverse(PREVIEW), params).json()["due_on"] == "2026-02-28"


def test_the_preview_explains_a_wording_the_engine_cannot_read(editor_client):
    params = {"wording": "when convenient", "signed_on": "2026-01-31"}
    response = editor_client.get(reverse(PREVIEW), params)
    assert response.status_code == 200
    assert response.json()["due_on"] is None
    assert "“when convenient” cannot be read as a deadline" in response.json()["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"wording": "ongoing"}, "No deadline."),
        ({"wording": "within 3 months"}, "Counted from the signing"),
        ({"wording": "within 3 months", "signed_on": "31/01/2026"}, "Counted from the signing"),
        ({"wording": "within 3 months", "milestone": "x", "agreement": "1 OR 1"}, "Counted"),
    ],
)
def test_the_preview_answers_what_it_cannot_count_without_failing(editor_client, params, message):
    response = editor_client.get(reverse(PREVIEW), params)
    assert response.status_code == 200
    assert response.json()["message"].startswith(message)


def test_the_preview_ignores_a_milestone_the_editor_may_not_see(editor_client, hidden_agreement):
    milestone = MilestoneFactory(agreement=hidden_agreement, date=datetime.date(2030, 1, 1))
    params = {"wording": "within 1 month", "milestone": milestone.pk}
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer["due_on"] is None


def test_the_preview_ignores_an_agreement_the_editor_may_not_see(editor_client, hidden_agreement):
    params = {"wording": "within 1 month", "agreement": hidden_agreement.pk}
    assert editor_client.get(reverse(PREVIEW), params).json()["due_on"] is None


def test_the_preview_is_refused_to_an_analyst(analyst_client):
    response = analyst_client.get(reverse(PREVIEW), {"wording": "within 1 month"})
    assert response.status_code == 403


def test_the_preview_sends_someone_signed_out_to_the_sign_in(client):
    response = client.get(reverse(PREVIEW), {"wording": "within 1 month"})
    assert response.status_code == 302


def test_the_preview_says_a_wording_counted_from_an_undated_event_is_pending(editor_client):
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    MilestoneFactory(agreement=agreement, name="Ratification", date=None)
    params = {"wording": "within 30 days of ratification", "agreement": agreement.pk}
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer == {
        "due_on": None,
        "message": "Pending: due 30 days after the ratification, which has not happened.",
    }


def test_the_preview_says_saving_makes_the_event_a_wording_names(editor_client):
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    params = {"wording": "upon ratification", "agreement": agreement.pk}
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer["due_on"] is None
    assert answer["message"] == (
        "Pending: saving makes the milestone “Ratification”, undated until it happens."
    )
    assert not agreement.milestones.filter(name="Ratification").exists()


def test_the_preview_of_prompt_wording_follows_the_grace_period(editor_client):
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    params = {"wording": "immediately", "agreement": agreement.pk}
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer == {"due_on": None, "message": "No fixed date, expected promptly."}
    agreement.prompt_grace_days = 10
    agreement.save()
    answer = editor_client.get(reverse(PREVIEW), params).json()
    assert answer["due_on"] == "2026-02-10"
