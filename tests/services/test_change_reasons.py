"""A reason at its limit (`models.limits.REASON`) is kept whole, on the row that holds it and
in the history row's change reason; one character more is refused, naming the field and the
limit, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError

from tracker import services
from tracker.models import Commitment, DeadlineExtension, Evidence, StatusChange, limits

from ..factories import EvidenceFactory

pytestmark = pytest.mark.django_db

REASON = "Reported by three outlets; " + "x" * (limits.REASON - 27)
TOO_LONG = REASON + "y"


def test_a_status_reason_at_the_limit_is_kept_whole_in_the_history(commitment, analyst):
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason=REASON, by=analyst
    )
    assert len(REASON) == limits.REASON
    assert StatusChange.objects.get().reason == REASON
    label = Commitment.history.filter(id=commitment.pk).latest().history_change_reason
    assert label == REASON


def test_a_status_reason_over_the_limit_is_refused_and_nothing_is_written(commitment, analyst):
    history = Commitment.history.count()
    with pytest.raises(ValidationError) as refused:
        services.commitment_set_status(
            commitment=commitment, status="in_progress", reason=TOO_LONG, by=analyst
        )
    assert "at most 2000 characters" in str(refused.value.message_dict["reason"])
    commitment.refresh_from_db()
    assert commitment.status == "not_started"
    assert commitment.version == 1
    assert not StatusChange.objects.exists()
    assert Commitment.history.count() == history


def test_a_retraction_reason_at_the_limit_is_kept_whole(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    services.evidence_retract(evidence=evidence, reason=REASON, by=analyst)
    assert Evidence.objects.get().retraction_reason == REASON
    label = Evidence.history.filter(id=evidence.pk).latest().history_change_reason
    assert label == f"Retracted: {REASON}"


def test_a_retraction_reason_over_the_limit_is_refused_and_nothing_is_written(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    history = Evidence.history.count()
    with pytest.raises(ValidationError) as refused:
        services.evidence_retract(evidence=evidence, reason=TOO_LONG, by=analyst)
    assert "retraction_reason" in refused.value.message_dict
    evidence.refresh_from_db()
    assert not evidence.is_retracted
    assert Evidence.history.count() == history


def test_an_extension_reason_at_the_limit_is_kept_whole(commitment, editor):
    services.commitment_extend_deadline(
        commitment=commitment, wording="by 31 December 2026", reason=REASON, by=editor
    )
    assert DeadlineExtension.objects.get().reason == REASON
    record = Commitment.history.filter(id=commitment.pk).latest()
    assert record.history_change_reason == f"Deadline extended: {REASON}"
    assert record.history_user == editor


def test_an_extension_reason_over_the_limit_is_refused_and_the_deadline_stays(commitment, editor):
    due_on = commitment.due_on
    with pytest.raises(ValidationError) as refused:
        services.commitment_extend_deadline(
            commitment=commitment, wording="by 31 December 2026", reason=TOO_LONG, by=editor
        )
    assert "reason" in refused.value.message_dict
    commitment.refresh_from_db()
    assert commitment.due_on == due_on
    assert not DeadlineExtension.objects.exists()


def test_the_commitment_page_takes_a_reason_at_the_limit(analyst_client, commitment):
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "stalled", "reason": REASON, "version": 1},
    )
    assert response.status_code == 302
    assert StatusChange.objects.get().reason == REASON


def test_the_commitment_page_refuses_one_character_more_beside_the_field(
    analyst_client, commitment
):
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "stalled", "reason": TOO_LONG, "version": 1},
    )
    assert response.status_code == 200
    assert b"at most 2000 characters (it has 2001)" in response.content
    assert not StatusChange.objects.exists()
