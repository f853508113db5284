"""The two score rules an agreement may choose (issue 21): PAM's 0-3 weights in percent and
the G7/G20 Research Group's -1 / 0 / +1, averaged; their arithmetic, their bounds, and the
kept figures (`g7_points`) against the counts by status, whatever the statuses."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import scoring, selectors
from tracker.models import Agreement, CommitmentStatus, ScoreRule

from .factories import AgreementFactory, CommitmentFactory

statuses = st.sampled_from(list(CommitmentStatus))
counts_by_status = st.dictionaries(statuses, st.integers(0, 1_000))


def test_g7_weights_follow_the_research_groups_scale():
    counts = {
        CommitmentStatus.IMPLEMENTED: 2,
        CommitmentStatus.PARTIAL: 1,
        CommitmentStatus.IN_PROGRESS: 1,
        CommitmentStatus.NOT_STARTED: 1,
        CommitmentStatus.STALLED: 1,
        CommitmentStatus.ABANDONED: 1,
    }
    # +2 (implemented) + 0 + 0 - 3 (not started, stalled, abandoned) over 7.
    assert scoring.points_of(ScoreRule.G7, counts) == -1
    assert scoring.score_from_counts(ScoreRule.G7, counts) == pytest.approx(-1 / 7)


def test_pam_is_points_over_three_per_commitment_in_percent():
    counts = {CommitmentStatus.IMPLEMENTED: 1, CommitmentStatus.PARTIAL: 1}
    assert scoring.score_from_counts(ScoreRule.PAM, counts) == pytest.approx(100 * 5 / 6)


@pytest.mark.parametrize(
    ("value", "rule", "shown"),
    [
        (1 / 3, ScoreRule.G7, "+0.33"),
        (-1.0, ScoreRule.G7, "-1.00"),
        (0.0, ScoreRule.G7, "+0.00"),
        (66.6, ScoreRule.PAM, "67 %"),
        (None, ScoreRule.G7, "—"),
    ],
)
def test_a_score_is_shown_as_its_rule_writes_it(value, rule, shown):
    assert scoring.format_score(value, rule) == shown


def test_nothing_scored_has_no_score():
    assert scoring.score_from_counts(ScoreRule.G7, {}) is None
    assert scoring.score_from_counts(ScoreRule.PAM, {}) is None


@given(counts=counts_by_status)
def test_a_g7_score_lies_between_minus_one_and_one(counts):
    score = scoring.score_from_counts(ScoreRule.G7, counts)
    assert score is None or -1 <= score <= 1
    assert (score is None) == (sum(counts.values()) == 0)


@given(counts=counts_by_status)
def test_a_pam_score_lies_between_zero_and_a_hundred(counts):
    score = scoring.score_from_counts(ScoreRule.PAM, counts)
    assert score is None or 0 <= score <= 100


@given(counts=counts_by_status)
def test_the_pages_breakdown_agrees_with_the_arithmetic(counts):
    for rule in ScoreRule:
        breakdown = selectors.score_breakdown(counts, rule)
        expected = scoring.score_from_counts(rule, counts)
        if expected is None:
            assert breakdown.score is None
        elif rule == ScoreRule.PAM:
            assert breakdown.score == round(expected)
        else:
            assert breakdown.score == pytest.approx(expected)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(statuses, st.booleans()), min_size=1, max_size=6),
    rule=st.sampled_from(list(ScoreRule)),
)
def test_the_kept_score_equals_the_score_of_the_verifiable_commitments_counts(rows, rule):
    """Whatever the statuses and deadlines: `Agreement.score` (from the triggers' figures)
    is the rule's score of the verifiable commitments' counts by status."""
    with transaction.atomic():
        agreement = AgreementFactory(score_rule=rule)
        for status, dated in rows:
            CommitmentFactory(
                agreement=agreement,
                status=status,
                timeline_wording="within 3 months" if dated else "ongoing",
            )
        counts: dict[str, int] = {}
        for status, dated in rows:
            if dated:
                counts[status] = counts.get(status, 0) + 1
        kept = Agreement.objects.get(pk=agreement.pk)
        expected = scoring.score_from_counts(rule, counts)
        assert kept.score == (None if expected is None else pytest.approx(expected))
        assert kept.unscored_count == sum(1 for _, dated in rows if not dated)
        transaction.set_rollback(True)
