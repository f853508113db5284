"""Abandoning a commitment never raises a score (issue 18): every commitment is scored, an
abandoned one at 0 points, whichever score reads it: the agreement's kept figures (lists,
overview, API), the agreement page's overall, party and theme scores, and the chart's last
point. The page shows the rule beside the score."""

import re
from html import unescape

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import charts, selectors, services
from tracker.models import Agreement, CommitmentStatus, Theme
from tracker.models.commitments import MAX_WEIGHT, STATUS_WEIGHTS

from .factories import AgreementFactory, CommitmentFactory, PartyFactory

pytestmark = pytest.mark.django_db

NOT_STARTED, ABANDONED = CommitmentStatus.NOT_STARTED, CommitmentStatus.ABANDONED
statuses = st.sampled_from(list(CommitmentStatus))


def _abandon_one(counts: dict[str, int]) -> dict[str, int]:
    after = dict(counts)
    after[NOT_STARTED] -= 1
    after[ABANDONED] = after.get(ABANDONED, 0) + 1
    return after


@given(counts=st.dictionaries(statuses, st.integers(0, 40)))
def test_it_never_raises_the_score_of_counts_by_abandoning_one_not_started(counts):
    counts[NOT_STARTED] = counts.get(NOT_STARTED, 0) + 1
    assert selectors.score_of(_abandon_one(counts)) <= selectors.score_of(counts)


def test_it_keeps_an_abandoned_commitment_in_the_denominator_at_zero():
    counts = {CommitmentStatus.IMPLEMENTED: 1, ABANDONED: 2}
    assert selectors.score_of(counts) == round(100 * 3 / (MAX_WEIGHT * 3))


def _scores(agreement: Agreement, today) -> dict:
    """Every score of the agreement, by where it is shown."""
    summary = selectors.agreement_summary(agreement)
    chart = charts.score_chart(summary.history, today=today)
    return {
        "kept": Agreement.objects.get(pk=agreement.pk).score,
        "overall": summary.score,
        "chart": chart.last.score,
        **{f"party {party.code}": party.score for party in summary.party_scores},
        **{f"theme {theme.theme}": theme.score for theme in summary.theme_scores},
    }


commitments = st.lists(
    st.tuples(statuses, st.sampled_from([Theme.BORDER, Theme.TRADE]), st.integers(0, 2)),
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(others=commitments, theme=st.sampled_from([Theme.BORDER, Theme.TRADE]))
def test_abandoning_a_not_started_commitment_never_raises_any_score(analyst, others, theme):
    # Each example in a savepoint of its own, rolled back: the next starts from nothing.
    with transaction.atomic():
        parties = PartyFactory.create_batch(2)
        agreement = AgreementFactory(parties=parties)
        # Responsible: the first party, the second, or both.
        responsible = [parties[:1], parties[1:], parties]
        for status, other_theme, who in others:
            CommitmentFactory(
                agreement=agreement, status=status, theme=other_theme, responsible=responsible[who]
            )
        reneged = CommitmentFactory(agreement=agreement, status=NOT_STARTED, theme=theme)
        today = agreement.signed_on
        before = _scores(agreement, today)
        services.commitment_set_status(
            commitment=reneged, status=ABANDONED, reason="abandoned", by=analyst
        )
        after = _scores(agreement, today)
        assert after.keys() == before.keys()
        raised = {name: (before[name], after[name]) for name in after if after[name] > before[name]}
        assert raised == {}
        transaction.set_rollback(True)


def _explanation(response) -> str:
    html = response.content.decode()
    match = re.search(r'<details id="score-rule".*?</details>', html, re.DOTALL)
    assert match, "the score's explanation is missing"
    return match.group(0)


def test_the_page_explains_the_score_with_the_weights_of_the_model(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=ABANDONED)
    explanation = _explanation(analyst_client.get(agreement.get_absolute_url()))
    shown = {
        unescape(label): int(weight)
        for label, weight in re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', explanation)
    }
    assert shown == {CommitmentStatus(status).label: w for status, w in STATUS_WEIGHTS.items()}


def test_the_page_works_out_this_agreements_score(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=ABANDONED)
    explanation = _explanation(analyst_client.get(agreement.get_absolute_url()))
    assert f"100 × 3 ÷ ({MAX_WEIGHT} × 2) = 50 %" in unescape(explanation)
