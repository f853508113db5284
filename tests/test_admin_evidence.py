"""Evidence in the admin: logged only below its commitment (through `services.evidence_log`),
corrected through `services.evidence_update`, retracted only in the app."""

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Commitment, Evidence, Stance

from .factories import PartyFactory
from .helpers import add_inline_form, admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(commitment, analyst):
    """Both parties claim progress: not disputed."""
    first, second = commitment.agreement.parties.order_by("code")
    return [
        services.evidence_log(
            commitment=commitment,
            by=analyst,
            summary=f"{party.code} reports progress",
            stance=Stance.PROGRESS,
            claimed_by=party,
        )
        for party in (first, second)
    ]


def _is_disputed(commitment) -> bool:
    return Commitment.objects.get(pk=commitment.pk).is_disputed


def _evidence_page(client, evidence) -> dict:
    return admin_form_data(client.get(reverse("admin:tracker_evidence_change", args=[evidence.pk])))


def _post_evidence(client, evidence, data):
    return client.post(reverse("admin:tracker_evidence_change", args=[evidence.pk]), data)


def test_the_add_page_points_to_the_commitment_page_instead(editor_client, commitment):
    response = editor_client.post(
        reverse("admin:tracker_evidence_add"),
        {"commitment": commitment.pk, "summary": "Seen", "stance": "context"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("Evidence is logged on its commitment's page in the app" in m for m in shown)
    assert not Evidence.objects.exists()


def test_the_list_offers_no_add_button(editor_client):
    response = editor_client.get(reverse("admin:tracker_evidence_changelist"))
    assert reverse("admin:tracker_evidence_add") not in response.content.decode()


def test_a_changed_stance_disputes_the_commitment_at_once(
    editor_client, editor, commitment, claims
):
    data = _evidence_page(editor_client, claims[1])
    data["stance"] = Stance.SETBACK

    response = _post_evidence(editor_client, claims[1], data)

    assert response.status_code == 302, response.context["errors"]
    assert _is_disputed(commitment)
    assert claims[1].history.latest().history_user == editor


def test_a_claim_given_to_the_other_party_settles_the_dispute_at_once(
    editor_client, commitment, claims
):
    first, second = claims
    services.evidence_update(evidence=second, by=None, stance=Stance.SETBACK)
    assert _is_disputed(commitment)
    data = _evidence_page(editor_client, second)
    data["claimed_by"] = first.claimed_by_id

    response = _post_evidence(editor_client, second, data)

    assert response.status_code == 302, response.context["errors"]
    assert not _is_disputed(commitment)


def test_evidence_corrected_below_its_commitment_refreshes_the_dispute(
    editor_client, editor, commitment, claims
):
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = admin_form_data(editor_client.get(url))
    data["evidence-1-stance"] = Stance.SETBACK

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert _is_disputed(commitment)
    assert Evidence.objects.get(pk=claims[1].pk).history.latest().history_user == editor


def test_evidence_added_below_its_commitment_is_logged_by_the_editor(
    editor_client, editor, commitment, claims
):
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = admin_form_data(editor_client.get(url))
    add_inline_form(
        data,
        "evidence",
        {
            "summary": "Setback reported",
            "stance": Stance.SETBACK,
            "claimed_by": claims[0].claimed_by_id,
            "reliability": "B",
            "credibility": "2",
        },
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    logged = Evidence.objects.get(summary="Setback reported")
    assert (logged.logged_by, logged.logged_at is not None) == (editor, True)
    assert _is_disputed(commitment)


def test_a_claimant_outside_the_agreement_is_a_form_error(editor_client, commitment, claims):
    data = _evidence_page(editor_client, claims[0])
    data["claimed_by"] = PartyFactory(code="IND").pk

    response = _post_evidence(editor_client, claims[0], data)

    assert response.status_code == 200
    assert "IND is not a party to this agreement." in response.content.decode()
    assert Evidence.objects.get(pk=claims[0].pk).claimed_by == claims[0].claimed_by


def test_a_future_date_is_a_form_error(editor_client, claims):
    data = _evidence_page(editor_client, claims[0])
    data["occurred_on"] = "2999-01-01"

    response = _post_evidence(editor_client, claims[0], data)

    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()


def test_the_retraction_and_the_commitment_are_read_only(editor_client, commitment, claims):
    page = editor_client.get(reverse("admin:tracker_evidence_change", args=[claims[0].pk]))
    editable = set(page.context["adminform"].form.fields)
    assert not {"commitment", "retracted_at", "retracted_by", "retraction_reason"} & editable
    assert not {"logged_by", "logged_at"} & editable
