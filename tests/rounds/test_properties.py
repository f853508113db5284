"""Hypothesis throws generated input at the rounds' forms and services: the answer is never
a 500, and a refused reply writes nothing."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import services
from tracker.models import Commitment, RoundReply

from .conftest import CUTOFF

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
