"""`is_verifiable` and the kept scores stay right when two writers change one commitment's
criteria at once: one adds a criterion while the other deletes the only one there was."""

import threading

import pytest
from django.db import connection

from tracker import selectors, services
from tracker.models import Commitment, Criterion

from ..factories import AgreementFactory, CommitmentFactory

ROUNDS = 15


@pytest.mark.django_db(transaction=True)
def test_adding_and_deleting_criteria_at_once_leaves_verifiability_as_a_recount_finds_it():
    """A writer that counted the criteria without the other's change would leave the
    commitment unverifiable (the deleter not seeing the new one) though it has a criterion."""
    agreement = AgreementFactory()
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    errors: list[BaseException] = []
    wrong = []

    def run(write, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=30)
            write()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    for round_ in range(ROUNDS):
        old = services.criterion_add(commitment=commitment, text=f"old {round_}", by=None)
        start = threading.Barrier(2)
        writers = [
            threading.Thread(
                target=run,
                args=(
                    lambda r=round_: services.criterion_add(
                        commitment=Commitment.objects.get(pk=commitment.pk),
                        text=f"new {r}",
                        by=None,
                    ),
                    start,
                ),
            ),
            threading.Thread(
                target=run,
                args=(
                    lambda o=old: services.criterion_delete(
                        criterion=Criterion.objects.get(pk=o.pk), by=None
                    ),
                    start,
                ),
            ),
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=60)
        has_criteria = Criterion.objects.filter(commitment=commitment).exists()
        if Commitment.objects.get(pk=commitment.pk).is_verifiable != has_criteria:
            wrong.append(round_)
        # Back to none for the next round.
        for criterion in Criterion.objects.filter(commitment=commitment):
            services.criterion_delete(criterion=criterion, by=None)

    assert errors == []
    assert wrong == []
    assert selectors.agreement_figures_check().differences == []
