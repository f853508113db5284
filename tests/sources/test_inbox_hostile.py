"""Hostile text through the inbox's ways in (the accept form, a rejection's reason, the API):
never a 5xx; refused, nothing changes; accepted, the text reads back as sent, trimmed."""

import pytest
from django.urls import reverse
from hypothesis import given

from tests.test_hostile_text import HOSTILE, texts
from tracker.models import Evidence, Proposal, ProposalState, limits

from .conftest import propose

pytestmark = pytest.mark.django_db
INBOX = reverse("tracker:inbox")


def _reset(proposal) -> None:
    Evidence.objects.all()._raw_delete(Evidence.objects.db)
    Proposal.objects.filter(pk=proposal.pk).update(
        state=ProposalState.PROPOSED, evidence=None, decided_by=None, decided_at=None, reason=""
    )


@HOSTILE
@given(reason=texts(limits.REASON))
def test_a_hostile_rejection_reason_is_kept_whole_or_refused(analyst_client, commitment, reason):
    proposal = propose(commitment, "https://x.example/1")
    _reset(proposal)
    response = analyst_client.post(
        INBOX, {"action": "reject", "proposal": proposal.pk, "reason": reason}
    )
    assert response.status_code < 500
    proposal.refresh_from_db()
    if response.status_code == 302:
        assert proposal.reason == reason.strip()
        assert "\x00" not in reason
    else:
        assert proposal.state == ProposalState.PROPOSED


@HOSTILE
@given(summary=texts(limits.EVIDENCE_SUMMARY), quote=texts(limits.QUOTE))
def test_a_hostile_acceptance_is_kept_whole_or_refused(analyst_client, commitment, summary, quote):
    proposal = propose(commitment, "https://x.example/1")
    _reset(proposal)
    prefix = f"accept-{proposal.pk}"
    response = analyst_client.post(
        INBOX,
        {
            "action": "accept",
            "proposal": proposal.pk,
            f"{prefix}-summary": summary,
            f"{prefix}-quote": quote,
            f"{prefix}-source_url": proposal.canonical_url,
            f"{prefix}-stance": "context",
            f"{prefix}-reliability": "B",
            f"{prefix}-credibility": "3",
            f"{prefix}-claimed_by": "nobody",
        },
    )
    assert response.status_code < 500
    if response.status_code == 302:
        evidence = Evidence.objects.get()
        assert (evidence.summary, evidence.quote) == (summary.strip(), quote.strip())
    else:
        assert not Evidence.objects.exists()
        assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED
