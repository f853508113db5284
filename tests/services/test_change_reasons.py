"""A reason of any length the forms accept (2,000 characters) is kept whole on the row that
holds it, and shortened for the history row's change reason (100 characters)."""

import pytest

from tracker import services
from tracker.models import Commitment, DeadlineExtension, Evidence, StatusChange

from ..factories import EvidenceFactory

pytestmark = pytest.mark.django_db

REASON = "Reported by three outlets; " + "x" * 1973


def test_a_long_status_reason_is_kept_whole_and_labels_the_history(commitment, analyst):
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason=REASON, by=analyst
    )
    assert StatusChange.objects.get().reason == REASON
    label = Commitment.history.filter(id=commitment.pk).latest().history_change_reason
    assert len(label) == 100
    assert label == REASON[:99] + "…"


def test_a_long_retraction_reason_is_kept_whole_and_labels_the_history(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    services.evidence_retract(evidence=evidence, reason=REASON, by=analyst)
    assert Evidence.objects.get().retraction_reason == REASON
    label = Evidence.history.filter(id=evidence.pk).latest().history_change_reason
    assert len(label) == 100
    assert label.startswith("Retracted: Reported by three outlets; ")


def test_a_long_extension_reason_is_kept_whole_and_labels_the_history(commitment, editor):
    services.commitment_extend_deadline(
        commitment=commitment, wording="by 31 December 2026", reason=REASON, by=editor
    )
    assert DeadlineExtension.objects.get().reason == REASON
    record = Commitment.history.filter(id=commitment.pk).latest()
    assert len(record.history_change_reason) == 100
    assert record.history_user == editor


def test_a_short_reason_is_kept_as_it_is(commitment, analyst):
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="Patrols began", by=analyst
    )
    label = Commitment.history.filter(id=commitment.pk).latest().history_change_reason
    assert label == "Patrols began"


def test_the_commitment_page_takes_a_long_reason(analyst_client, commitment):
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "stalled", "reason": REASON, "version": 1},
    )
    assert response.status_code == 302
    assert StatusChange.objects.get().reason == REASON
