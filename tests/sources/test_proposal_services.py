"""The inbox's services: each decision commits with its history record or not at all, and a
proposal is decided once."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CommitmentFactory
from tracker import services
from tracker.models import Evidence, Proposal, ProposalState

from .conftest import propose

pytestmark = pytest.mark.django_db
DECISION = {"stance": "progress", "reliability": "B", "credibility": 2, "claimed_by": None}


@pytest.fixture
def waiting(commitment):
    return propose(commitment, "https://x.example/1")


def _failing_history(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the audit insert failed")

    from simple_history.manager import HistoryManager

    monkeypatch.setattr(HistoryManager, "bulk_history_create", fail)


def test_an_accept_whose_history_fails_leaves_no_evidence(monkeypatch, analyst, waiting):
    _failing_history(monkeypatch)
    with pytest.raises(RuntimeError):
        services.proposal_accept(proposal=waiting, by=analyst, summary="Seen", **DECISION)
    assert not Evidence.objects.exists()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_a_reject_whose_history_fails_changes_nothing(monkeypatch, analyst, waiting):
    _failing_history(monkeypatch)
    with pytest.raises(RuntimeError):
        services.proposal_reject(proposal=waiting, by=analyst, reason="no")
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_each_decision_leaves_a_history_record_by_its_author(analyst, waiting):
    services.proposal_reject(proposal=waiting, by=analyst, reason="Old news")
    record = Proposal.history.filter(id=waiting.pk).latest("history_date")
    assert (record.state, record.history_user, record.history_change_reason) == (
        ProposalState.REJECTED,
        analyst,
        "Rejected: Old news",
    )


def test_an_evidence_refusal_rolls_the_claim_back(analyst, waiting):
    with pytest.raises(ValidationError):
        services.proposal_accept(proposal=waiting, by=analyst, summary="", **DECISION)
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decided_by) == (ProposalState.PROPOSED, None)


def test_bulk_reject_leaves_decided_ones_alone(analyst, commitment):
    first = propose(commitment, "https://x.example/a")
    accepted = propose(commitment, "https://x.example/b")
    services.proposal_accept(proposal=accepted, by=analyst, summary="Seen", **DECISION)
    assert services.proposals_reject(proposals=[first, accepted], by=analyst) == 1
    assert Proposal.objects.get(pk=accepted.pk).state == ProposalState.ACCEPTED


def test_retargeting_twice_to_the_same_commitment_is_refused(analyst, waiting):
    other = CommitmentFactory(agreement=waiting.commitment.agreement)
    moved = services.proposal_retarget(proposal=waiting, commitment=other, by=analyst)
    with pytest.raises(ValidationError, match="already proposed for this commitment"):
        services.proposal_retarget(proposal=moved, commitment=other, by=analyst)
    with pytest.raises(ValidationError, match="already proposed for that commitment"):
        services.proposal_retarget(proposal=moved, commitment=waiting.commitment, by=analyst)
    assert Proposal.objects.filter(state=ProposalState.PROPOSED).get() == moved


def test_recording_an_item_twice_is_not_an_error_and_proposes_nothing(commitment):
    """What a second watcher racing the first sees: the database says it exists."""
    from django.utils import timezone

    first = propose(commitment, "https://x.example/race")
    item = services.NewItem(
        canonical_url="https://x.example/race",
        title="Again",
        excerpt="",
        published_on=None,
        matches=[services.Match(commitment_id=commitment.pk, score=1, matched_words=[])],
    )
    source = first.item.source
    assert services.items_record(source=source, item=item, at=timezone.now()) == (False, 0)
    assert Proposal.objects.get() == first
