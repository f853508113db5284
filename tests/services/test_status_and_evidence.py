"""Logging evidence, retracting it, and moving a commitment's status."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tracker import services
from tracker.models import CommitmentStatus, Evidence, OverdueFlag, Stance, StatusChange

from ..factories import CommitmentFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def test_logging_evidence_records_who_and_when(commitment, analyst):
    evidence = services.evidence_log(
        commitment=commitment,
        by=analyst,
        summary="Patrols seen at Torkham",
        stance=Stance.PROGRESS,
        reliability="B",
        credibility=2,
        source_url="https://example.org/report",
    )
    assert evidence.logged_by == analyst
    assert evidence.grading == "B2"
    assert evidence.logged_at <= timezone.now()


def test_evidence_with_a_bad_url_is_refused_and_nothing_is_saved(commitment, analyst):
    with pytest.raises(ValidationError) as raised:
        services.evidence_log(
            commitment=commitment, by=analyst, summary="x", source_url="javascript:alert(1)"
        )
    assert "source_url" in raised.value.message_dict
    assert not Evidence.objects.exists()


def test_retracting_keeps_the_evidence_with_its_reason(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    services.evidence_retract(evidence=evidence, reason="Source withdrew the story", by=analyst)
    evidence.refresh_from_db()
    assert evidence.is_retracted
    assert evidence.retraction_reason == "Source withdrew the story"
    assert evidence.retracted_by == analyst


def test_a_retraction_needs_a_reason(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    with pytest.raises(ValidationError, match="Say why"):
        services.evidence_retract(evidence=evidence, reason="  ", by=analyst)
    evidence.refresh_from_db()
    assert not evidence.is_retracted


def test_changing_status_records_the_change_and_bumps_the_version(commitment, analyst):
    evidence = EvidenceFactory(commitment=commitment)
    change = services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IN_PROGRESS,
        reason="Patrol routes agreed",
        by=analyst,
        evidence=evidence,
    )
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.IN_PROGRESS
    assert commitment.version == 2
    assert (change.from_status, change.to_status) == ("not_started", "in_progress")
    assert change.evidence == evidence


def test_a_status_change_needs_a_reason(commitment, analyst):
    with pytest.raises(ValidationError, match="Give a reason"):
        services.commitment_set_status(
            commitment=commitment, status=CommitmentStatus.IMPLEMENTED, reason="", by=analyst
        )
    assert not StatusChange.objects.exists()


def test_a_stale_version_is_a_conflict_and_changes_nothing(commitment, analyst):
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.IN_PROGRESS, reason="first", by=analyst
    )
    with pytest.raises(services.StatusConflict, match="changed by someone else"):
        services.commitment_set_status(
            commitment=commitment,
            status=CommitmentStatus.STALLED,
            reason="second, from the old page",
            by=analyst,
            expected_version=1,
        )
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.IN_PROGRESS
    assert StatusChange.objects.count() == 1


def test_citing_evidence_of_another_commitment_is_refused(commitment, analyst):
    elsewhere = EvidenceFactory(commitment=CommitmentFactory(agreement=commitment.agreement))
    with pytest.raises(ValidationError, match="Cite evidence logged against this commitment"):
        services.commitment_set_status(
            commitment=commitment,
            status=CommitmentStatus.IN_PROGRESS,
            reason="r",
            by=analyst,
            evidence=elsewhere,
        )


def test_implementing_clears_the_overdue_flag_at_once(overdue_commitment, analyst):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    assert OverdueFlag.objects.filter(cleared_at__isnull=True).count() == 1

    services.commitment_set_status(
        commitment=overdue_commitment,
        status=CommitmentStatus.IMPLEMENTED,
        reason="Done",
        by=analyst,
    )
    flag = OverdueFlag.objects.get()
    assert flag.cleared_at is not None
    assert flag.clear_reason == OverdueFlag.ClearReason.CLOSED
