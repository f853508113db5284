"""Rules the database itself holds: constraints, triggers, and what can never be deleted."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from tracker.models import Commitment, CommitmentStatus, Evidence, Milestone, MilestoneKind
from tracker.models.commitments import natural_sort_key

from .factories import CommitmentFactory, EvidenceFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_a_second_commitment_with_the_same_reference(commitment):
    with pytest.raises(IntegrityError):
        Commitment.objects.create(
            agreement=commitment.agreement, reference=commitment.reference, title="Copy"
        )


def test_the_same_reference_may_appear_in_two_agreements(commitment):
    other = CommitmentFactory(reference=commitment.reference)
    assert other.reference == commitment.reference


@pytest.mark.parametrize(
    ("field", "value"),
    [("reliability", "G"), ("credibility", 0), ("credibility", 7), ("stance", "maybe")],
)
def test_it_refuses_gradings_outside_the_admiralty_scale(commitment, analyst, field, value):
    with pytest.raises(IntegrityError):
        Evidence.objects.create(
            commitment=commitment,
            summary="x",
            logged_by=analyst,
            logged_at=timezone.now(),
            **{field: value},
        )


def test_it_refuses_a_retraction_without_a_reason(commitment):
    evidence = EvidenceFactory(commitment=commitment)
    with pytest.raises(IntegrityError):
        Evidence.objects.filter(pk=evidence.pk).update(retracted_at=timezone.now())


def test_evidence_cannot_be_deleted(commitment):
    evidence = EvidenceFactory(commitment=commitment)
    with pytest.raises(PermissionError, match="retract"):
        evidence.delete()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_commitment_with_evidence_cannot_be_deleted(commitment):
    EvidenceFactory(commitment=commitment)
    with pytest.raises(ProtectedError):
        commitment.delete()


def test_an_agreement_has_one_signing_milestone(agreement):
    with pytest.raises(IntegrityError):
        Milestone.objects.create(
            agreement=agreement, kind=MilestoneKind.SIGNING, name="Second", date=agreement.signed_on
        )


def test_the_database_refuses_a_responsible_party_outside_the_agreement(commitment):
    outsider = PartyFactory(code="OUT")
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.responsible_parties.add(outsider)


def test_the_database_refuses_to_drop_a_party_still_responsible(commitment):
    party = commitment.responsible_parties.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.agreement.parties.remove(party)


def test_references_sort_naturally():
    references = ["2.A.10", "2.A.9", "10.1", "2.B.1", "1"]
    assert sorted(references, key=natural_sort_key) == ["1", "2.A.9", "2.A.10", "2.B.1", "10.1"]


@pytest.mark.parametrize(
    ("status", "weight", "closed"),
    [
        (CommitmentStatus.NOT_STARTED, 0, False),
        (CommitmentStatus.IN_PROGRESS, 1, False),
        (CommitmentStatus.STALLED, 1, False),
        (CommitmentStatus.PARTIAL, 2, False),
        (CommitmentStatus.IMPLEMENTED, 3, True),
        (CommitmentStatus.ABANDONED, 0, True),
    ],
)
def test_each_status_has_its_weight(status, weight, closed):
    assert status.weight == weight
    assert status.is_closed is closed


def test_days_overdue_counts_from_the_due_date(commitment):
    assert commitment.due_on == datetime.date(2026, 4, 30)
    assert commitment.days_overdue(datetime.date(2026, 5, 3)) == 3
    assert commitment.days_overdue(datetime.date(2026, 4, 30)) is None
    assert commitment.days_left(datetime.date(2026, 4, 20)) == 10


def test_a_closed_commitment_is_never_overdue(commitment):
    commitment.status = CommitmentStatus.IMPLEMENTED
    assert commitment.days_overdue(datetime.date(2027, 1, 1)) is None
