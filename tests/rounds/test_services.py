"""The rounds' services: open, move the cut-off, review, reply, publish, and every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker import services
from tracker.models import AssessmentRound, Commitment, RoundReply, RoundState

from ..factories import UserFactory
from .conftest import CUTOFF


@pytest.fixture
def open_round(accord, editor):
    return services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)


@pytest.fixture
def in_review(open_round, editor):
    return services.round_to_review(round_=open_round, by=editor)


def _patrols() -> int:
    return Commitment.objects.get(reference="2.1").pk


def test_opening_numbers_the_rounds_and_records_who(open_round, editor):
    assert (open_round.number, open_round.state, open_round.opened_by) == (1, "open", editor)
    assert open_round.snapshot["cutoff"] == "2026-04-01"
    assert open_round.history.get().history_user == editor


def test_a_second_round_waits_until_the_first_is_published(open_round, accord, editor):
    with pytest.raises(ValidationError, match="Publish the round under way"):
        services.round_open(agreement=accord, kind="final", cutoff=CUTOFF, by=editor)


def test_the_database_refuses_two_unpublished_rounds(open_round, accord):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentRound.objects.create(
            agreement=accord, number=2, cutoff=CUTOFF, opened_at=open_round.opened_at
        )


def test_a_cutoff_in_the_future_is_refused(accord, editor):
    with pytest.raises(ValidationError, match="future"):
        services.round_open(
            agreement=accord, kind="interim", cutoff=datetime.date(2026, 7, 1), by=editor
        )
    assert not AssessmentRound.objects.exists()


def test_moving_the_cutoff_freezes_again_while_open(open_round, editor):
    moved = services.round_set_cutoff(
        round_=open_round, cutoff=datetime.date(2026, 5, 31), by=editor
    )
    patrols = next(i for i in moved.snapshot["commitments"] if i["reference"] == "2.1")
    assert {p["status"] for p in patrols["parties"]} == {"stalled"}


def test_the_cutoff_stays_once_in_review(in_review, editor):
    with pytest.raises(ValidationError, match="only while the round is open"):
        services.round_set_cutoff(round_=in_review, cutoff=datetime.date(2026, 5, 1), by=editor)
    in_review.refresh_from_db()
    assert in_review.cutoff == CUTOFF


def test_a_representative_replies_for_their_party(in_review, representative, afg):
    reply = services.round_reply(
        round_=in_review,
        commitment_id=_patrols(),
        party=afg,
        text="Our patrols started on 20 March.",
        recalibrated_score=2,
        recalibration_reason="Two sectors patrolled",
        by=representative,
    )
    assert (reply.by_editor, reply.history.get().history_user) == (False, representative)


def test_a_representative_cannot_reply_for_another_party(in_review, representative, pak):
    with pytest.raises(ValidationError, match="only for the party you represent"):
        services.round_reply(
            round_=in_review, commitment_id=_patrols(), party=pak, text="x", by=representative
        )
    assert not RoundReply.objects.exists()


def test_an_editor_replies_for_a_party_and_it_is_recorded(in_review, editor, pak):
    reply = services.round_reply(
        round_=in_review, commitment_id=_patrols(), party=pak, text="Said on the phone", by=editor
    )
    assert reply.by_editor is True


def test_a_recalibration_needs_its_reason_and_a_score_on_the_scale(in_review, editor, pak):
    with pytest.raises(ValidationError, match="Say why"):
        services.round_reply(
            round_=in_review,
            commitment_id=_patrols(),
            party=pak,
            text="More",
            recalibrated_score=3,
            by=editor,
        )
    with pytest.raises(ValidationError, match="from 0 to 3"):
        services.round_reply(
            round_=in_review,
            commitment_id=_patrols(),
            party=pak,
            text="More",
            recalibrated_score=7,
            recalibration_reason="Because",
            by=editor,
        )


def test_a_reply_about_an_obligation_the_party_does_not_have_is_refused(in_review, editor, afg):
    intelligence = Commitment.objects.get(reference="3.1").pk
    with pytest.raises(ValidationError, match="not responsible"):
        services.round_reply(
            round_=in_review, commitment_id=intelligence, party=afg, text="x", by=editor
        )


def test_no_reply_while_open(open_round, editor, pak):
    with pytest.raises(ValidationError, match="in review"):
        services.round_reply(
            round_=open_round, commitment_id=_patrols(), party=pak, text="x", by=editor
        )


def test_publishing_twice_is_refused(in_review, editor):
    published = services.round_publish(round_=in_review, by=editor)
    assert (published.state, published.published_by) == (RoundState.PUBLISHED, editor)
    with pytest.raises(ValidationError, match="published"):
        services.round_publish(round_=published, by=editor)


def test_nothing_is_written_to_a_published_round(in_review, editor, representative, afg):
    services.round_publish(round_=in_review, by=editor)
    with pytest.raises(ValidationError, match="published"):
        services.round_reply(
            round_=in_review, commitment_id=_patrols(), party=afg, text="Late", by=representative
        )
    with pytest.raises(ValidationError, match="published"):
        services.round_set_cutoff(round_=in_review, cutoff=CUTOFF, by=editor)
    with pytest.raises(ValidationError, match="published"):
        services.round_to_review(round_=in_review, by=editor)
    assert not RoundReply.objects.exists()


def test_a_viewer_who_represents_no_party_cannot_reply(in_review, pak):
    viewer = UserFactory(username="someone", role="viewer")
    with pytest.raises(ValidationError):
        services.round_reply(
            round_=in_review, commitment_id=_patrols(), party=pak, text="x", by=viewer
        )
