"""Two saves at once of commitments counted from the same new event make one milestone."""

import threading

import pytest
from django.db import connection, transaction

from tracker import services
from tracker.models import Commitment, Milestone

from ..factories import AgreementFactory


@pytest.mark.django_db(transaction=True)
def test_two_saves_naming_the_same_new_event_share_one_milestone():
    """The first save holds its new "Ratification" uncommitted while the second makes its
    own: the second waits on the unique name, then counts from the first one's."""
    agreement = AgreementFactory()
    parties = list(agreement.parties.all())
    first_made = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.commitment_save(
                    commitment=Commitment(
                        agreement=agreement,
                        reference="1",
                        title="A",
                        timeline_wording="upon ratification",
                    ),
                    responsible=parties,
                )
                first_made.set()
                threading.Event().wait(0.5)  # the second save reaches the unique name meanwhile
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_made.wait(timeout=30)
            # Read before the first commits: the agreement has no "Ratification" yet.
            services.commitment_save(
                commitment=Commitment(
                    agreement=agreement,
                    reference="2",
                    title="B",
                    timeline_wording="within 30 days of ratification",
                ),
                responsible=parties,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    (ratification,) = Milestone.objects.filter(agreement=agreement, name="Ratification")
    linked = set(Commitment.objects.values_list("deadline_milestone_id", flat=True))
    assert linked == {ratification.pk}
