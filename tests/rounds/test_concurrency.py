"""Publishing locks the round's row: a reply sent while the round is being published waits,
then is refused, never kept in a round published without it."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tracker import services
from tracker.models import Commitment, RoundReply

from .conftest import CUTOFF


@pytest.mark.django_db(transaction=True)
def test_a_reply_racing_the_publication_waits_and_is_refused(accord, editor, pak):
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    services.round_to_review(round_=round_, by=editor)
    patrols = Commitment.objects.get(reference="2.1").pk
    outcome: list[BaseException | str] = []

    def reply() -> None:
        try:
            services.round_reply(
                round_=round_, commitment_id=patrols, party=pak, text="Just in time?", by=editor
            )
            outcome.append("kept")
        except BaseException as error:  # reported by the main thread
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        services.round_publish(round_=round_, by=editor)
        replier = threading.Thread(target=reply)
        replier.start()
        time.sleep(1)  # the reply is now waiting on the round's row
        assert not outcome
    replier.join(timeout=30)
    assert len(outcome) == 1
    assert isinstance(outcome[0], ValidationError)
    assert "published" in str(outcome[0])
    assert not RoundReply.objects.exists()
