"""The dispute flag stays right when two writers log claims on one commitment at once."""

import threading

import pytest
from django.db import connection

from tracker import services
from tracker.models import Commitment, Stance

from ..factories import AgreementFactory, CommitmentFactory

ROUNDS = 30


def _disputed_now(commitment_id: int) -> bool:
    commitment = Commitment.objects.get(pk=commitment_id)
    claims = services.commitment_claims(commitment=commitment).values()
    return len({claim.stance for claim in claims}) > 1


@pytest.mark.django_db(transaction=True)
def test_two_writers_logging_claims_at_once_leave_the_flag_as_a_recount_finds_it():
    """Each round both parties log the same stance at the same moment: progress, then both a
    setback, and so on, so the claims never disagree. A writer that read the claims without
    the other's new one would see them disagree (its own new claim against the other's
    previous one) and flag the commitment disputed."""
    agreement = AgreementFactory()
    commitment = CommitmentFactory(agreement=agreement)
    parties = list(agreement.parties.all())
    errors: list[BaseException] = []
    mismatches = []

    def log(party, stance, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=30)
            services.evidence_log(
                commitment=Commitment.objects.get(pk=commitment.pk),
                by=None,
                summary=f"{party.code}: {stance}",
                stance=stance,
                claimed_by=party,
            )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    for round_ in range(ROUNDS):
        stance = Stance.PROGRESS if round_ % 2 else Stance.SETBACK
        start = threading.Barrier(len(parties))
        writers = [threading.Thread(target=log, args=(party, stance, start)) for party in parties]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=60)
        flagged = Commitment.objects.get(pk=commitment.pk).is_disputed
        if flagged != _disputed_now(commitment.pk):
            mismatches.append(round_)

    assert not errors
    assert not mismatches
    assert Commitment.objects.get(pk=commitment.pk).is_disputed == _disputed_now(commitment.pk)
