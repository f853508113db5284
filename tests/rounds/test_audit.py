"""A round's change and its history row commit together or not at all: when the database
refuses the history row, the round is not opened, not published, and the reply not kept."""

import pytest
from django.db import DatabaseError

from tracker import services
from tracker.models import AssessmentRound, Commitment, RoundReply, RoundState

from ..services.test_audit_atomicity import refuse_inserts  # noqa: F401
from .conftest import CUTOFF

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_is_not_opened_without_its_history(accord, editor, refuse_inserts):  # noqa: F811
    refuse_inserts("tracker_historicalassessmentround")
    with pytest.raises(DatabaseError, match="audit record was refused"):
        services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    assert not AssessmentRound.objects.exists()


def test_a_round_is_not_published_without_its_history(accord, editor, refuse_inserts):  # noqa: F811
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    services.round_to_review(round_=round_, by=editor)
    refuse_inserts("tracker_historicalassessmentround")
    with pytest.raises(DatabaseError, match="audit record was refused"):
        services.round_publish(round_=round_, by=editor)
    round_.refresh_from_db()
    assert round_.state == RoundState.IN_REVIEW


def test_a_reply_is_not_kept_without_its_history(accord, editor, pak, refuse_inserts):  # noqa: F811
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    services.round_to_review(round_=round_, by=editor)
    refuse_inserts("tracker_historicalroundreply")
    with pytest.raises(DatabaseError, match="audit record was refused"):
        services.round_reply(
            round_=round_,
            commitment_id=Commitment.objects.get(reference="2.1").pk,
            party=pak,
            text="Said",
            by=editor,
        )
    assert not RoundReply.objects.exists()
