"""Hypothesis throws generated input at the rounds' forms and services: the answer is never
a 500, and a refused reply writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import services
from tracker.models import Commitment, CommitmentStatus, RoundReply
from tracker.rounds.snapshot import build_round_snapshot

from ..factories import CommitmentFactory
from .conftest import CUTOFF, moment

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(max_size=300)
value = st.one_of(
    text, st.integers().map(str), st.sampled_from(["", "0", "-1", "9" * 30, "2026-02-30"])
)


@pytest.fixture
def in_review(accord, editor):
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    return services.round_to_review(round_=round_, by=editor)


@FUZZ
@given(
    action=st.sampled_from(["set-cutoff", "to-review", "publish", "reply", "", "x"]),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "cutoff",
                "commitment_id",
                "party",
                "text",
                "recalibrated_score",
                "recalibration_reason",
            ]
        ),
        value,
    ),
    htmx=st.booleans(),
)
def test_the_round_forms_never_fail(editor_client, in_review, action, fields, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = editor_client.post(
        in_review.get_absolute_url(), {"action": action, **fields}, headers=headers
    )
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(["kind", "cutoff"]), value),
)
def test_the_open_form_never_fails(editor_client, accord, fields):
    response = editor_client.post("/agreements/border-accord/rounds/", fields)
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(
    reply=st.text(max_size=6_000),
    score=st.one_of(st.none(), st.integers(-5, 8)),
    reason=st.text(max_size=2_100),
)
def test_a_reply_is_recorded_whole_or_refused_with_nothing_written(
    in_review, representative, afg, reply, score, reason
):
    before = RoundReply.objects.count()
    patrols = Commitment.objects.get(reference="2.1").pk
    try:
        made = services.round_reply(
            round_=in_review,
            commitment_id=patrols,
            party=afg,
            text=reply,
            recalibrated_score=score,
            recalibration_reason=reason,
            by=representative,
        )
    except ValidationError:
        assert RoundReply.objects.count() == before
    else:
        made.refresh_from_db()
        assert made.text == reply.strip()
        assert made.recalibrated_score == score


@FUZZ
@given(
    moves=st.lists(
        st.tuples(st.integers(0, 120), st.sampled_from(list(CommitmentStatus))),
        max_size=6,
    ),
    cutoff_day=st.integers(0, 130),
)
def test_the_frozen_status_is_the_history_replayed_to_the_cutoff(
    accord, analyst, moves, cutoff_day
):
    """Whatever the history, each party's frozen status is the commitment's status at the
    end of the cut-off day: the last move by then, else the status before the first move."""
    start = datetime.date(2026, 2, 1)
    commitment = CommitmentFactory(agreement=accord)
    initial, status, history = commitment.status, commitment.status, []
    for offset, wanted in sorted(moves, key=lambda move: move[0]):
        if wanted == status:
            continue
        day = start + datetime.timedelta(days=offset)
        services.commitment_set_status(
            commitment=commitment, status=wanted, reason="moved", by=analyst, at=moment(day)
        )
        status = wanted
        history.append((day, wanted))
    cutoff = start + datetime.timedelta(days=cutoff_day)
    expected = next((s for day, s in reversed(history) if day <= cutoff), initial)
    item = next(
        i for i in build_round_snapshot(accord, cutoff)["commitments"] if i["id"] == commitment.pk
    )
    assert {party["status"] for party in item["parties"]} == {expected}
