"""The commitment's completion criteria in the admin: an inline written through the criteria
services as the editor (added, met citing evidence, deleted), refusals beside their fields;
the agreement's score rule is chosen on its page."""

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Agreement, Commitment, Criterion, ScoreRule

from .factories import CommitmentFactory, EvidenceFactory
from .helpers import add_inline_form, admin_form_data

pytestmark = pytest.mark.django_db


def _url(commitment) -> str:
    return reverse("admin:tracker_commitment_change", args=[commitment.pk])


@pytest.fixture
def ongoing(agreement):
    return CommitmentFactory(agreement=agreement, timeline_wording="ongoing")


def test_a_criterion_added_in_the_inline_goes_through_the_service(editor_client, editor, ongoing):
    data = admin_form_data(editor_client.get(_url(ongoing)))
    add_inline_form(data, "criteria", {"text": "Four patrol sectors agreed", "position": "0"})
    response = editor_client.post(_url(ongoing), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    criterion = Criterion.objects.get()
    assert criterion.recorded_by == editor
    assert criterion.history.get().history_change_reason == "Criterion added"
    # The service's rule followed: the commitment is verifiable now, and scored.
    assert Commitment.objects.get(pk=ongoing.pk).is_verifiable
    assert Agreement.objects.get(pk=ongoing.agreement_id).scored_count == 1


def test_a_criterion_marked_met_in_the_inline_cites_its_evidence(editor_client, editor, ongoing):
    criterion = services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    evidence = EvidenceFactory(commitment=ongoing)
    data = admin_form_data(editor_client.get(_url(ongoing)))
    data["criteria-0-met_on"] = "2026-03-01"
    data["criteria-0-evidence"] = str(evidence.pk)
    assert editor_client.post(_url(ongoing), data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.met_on.isoformat(), criterion.evidence) == ("2026-03-01", evidence)
    assert criterion.history.latest().history_change_reason == "Criterion met"


def test_evidence_without_a_day_is_refused_beside_the_field(editor_client, editor, ongoing):
    services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    evidence = EvidenceFactory(commitment=ongoing)
    data = admin_form_data(editor_client.get(_url(ongoing)))
    data["criteria-0-evidence"] = str(evidence.pk)
    response = editor_client.post(_url(ongoing), data)
    assert response.status_code == 200
    assert "Give the day it was met" in response.content.decode()
    assert Criterion.objects.get().evidence is None


def test_a_criterion_deleted_in_the_inline_leaves_the_commitment_unverifiable(
    editor_client, editor, ongoing
):
    services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    data = admin_form_data(editor_client.get(_url(ongoing)))
    data["criteria-0-DELETE"] = "on"
    assert editor_client.post(_url(ongoing), data).status_code == 302
    assert not Criterion.objects.exists()
    assert not Commitment.objects.get(pk=ongoing.pk).is_verifiable


def test_the_score_rule_is_chosen_on_the_agreements_page(editor_client, agreement):
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    data = admin_form_data(editor_client.get(url))
    data["score_rule"] = ScoreRule.G7
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Agreement.objects.get(pk=agreement.pk).score_rule == ScoreRule.G7
