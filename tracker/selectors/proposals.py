"""The evidence inbox's reads: waiting proposals a user may see, newest first, and what the
actions on them need. Every read starts from `visibility.proposals_visible_to`."""

from django.db.models import QuerySet

from ..models import Agreement, Commitment, Proposal, ProposalState, User
from ..models.commitments import CLOSED_STATUSES
from .visibility import commitments_visible_to, proposals_visible_to


def inbox_proposals(
    user: User, *, agreement: Agreement | None = None, state: str = ProposalState.PROPOSED
) -> QuerySet[Proposal]:
    """Proposals in one state (waiting, by default), newest first, with their item, source
    and commitment read in the same query."""
    proposals = proposals_visible_to(user).filter(state=state)
    if agreement is not None:
        proposals = proposals.filter(commitment__agreement=agreement)
    return proposals.select_related("item__source", "commitment__agreement", "decided_by").order_by(
        "-created_at", "-id"
    )


def proposal_for_user(user: User, pk: int) -> Proposal | None:
    """One proposal the user may see, with what accepting it needs, or None."""
    return (
        proposals_visible_to(user)
        .select_related("item__source", "commitment__agreement")
        .filter(pk=pk)
        .first()
    )


def retarget_choices(user: User, agreement_ids: set[int]) -> dict[int, list[Commitment]]:
    """The open commitments of these agreements (those a proposal may be moved to), by
    agreement, in one query."""
    choices: dict[int, list[Commitment]] = {}
    commitments = (
        commitments_visible_to(user)
        .filter(agreement_id__in=agreement_ids)
        .exclude(status__in=CLOSED_STATUSES)
        .only("pk", "reference", "title", "agreement_id")
        .order_by("agreement_id", "sort_key")
    )
    for commitment in commitments:
        choices.setdefault(commitment.agreement_id, []).append(commitment)
    return choices


def proposals_waiting_count(user: User, agreement_ids: list[int]) -> int:
    """How many proposals wait for these agreements (the digest's count)."""
    return (
        proposals_visible_to(user)
        .filter(state=ProposalState.PROPOSED, commitment__agreement_id__in=agreement_ids)
        .count()
    )
