"""The comparison's figures (selectors.comparison) on hand-made data (tests/comparison_data.py
has them worked out), its refusals, and its number of queries."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import selectors, services
from tracker.selectors.comparison import month_ends

from .comparison_data import TODAY, build
from .factories import AgreementFactory, CommitmentFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _frozen_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def compared(analyst):
    build(analyst)
    border, trade = selectors.comparison_for(analyst, ["border-accord", "trade-pact"], today=TODAY)
    return border, trade


def scores(points):
    return [(point.day, point.score) for point in points]


def test_it_finds_the_share_met_on_time(compared):
    border, _ = compared
    assert border.timeliness.dated == 5
    assert border.timeliness.decided == 4
    assert border.timeliness.met == 1
    assert border.timeliness.share == 25


def test_it_finds_the_median_delay_of_late_and_open_overdue_commitments(compared):
    border, _ = compared
    assert border.timeliness.late_implemented == (10,)
    assert border.timeliness.open_overdue == (75,)
    assert border.timeliness.median_delay == 42.5


def test_it_counts_lateness_against_the_deadline_first_agreed(compared):
    _, trade = compared
    assert (trade.timeliness.decided, trade.timeliness.met) == (1, 0)
    assert trade.timeliness.median_delay == 31


def test_it_gives_the_score_at_each_month_end(compared):
    border, _ = compared
    assert border.score == 47
    assert scores(border.history) == [
        (D(2026, 1, 31), 0),
        (D(2026, 2, 28), 20),
        (D(2026, 3, 31), 47),
        (D(2026, 4, 30), 47),  # B5, implemented on 10 April, is not verifiable
        (D(2026, 5, 31), 47),
        (D(2026, 6, 15), 47),
    ]


def test_it_scores_only_verifiable_commitments(compared):
    border, trade = compared
    assert (border.commitments, border.unscored) == (5, 1)
    assert (trade.commitments, trade.unscored) == (1, 1)
    # met on time is about deadlines: unchanged by what is scored
    assert (border.timeliness.dated, trade.timeliness.dated) == (5, 1)


def test_a_g7_agreement_is_scored_under_its_rule_now_and_over_time(compared):
    border, trade = compared
    assert (border.rule, trade.rule) == ("pam", "g7")
    assert trade.score == 1  # T1 implemented: +1; T2, not verifiable, would make it 0
    assert scores(trade.history) == [
        (D(2026, 1, 31), -1),
        (D(2026, 2, 28), -1),
        (D(2026, 3, 31), -1),
        (D(2026, 4, 30), 1),
        (D(2026, 5, 31), 1),
        (D(2026, 6, 15), 1),
    ]
    assert [(theme.key, theme.score, theme.commitments) for theme in trade.themes] == [
        ("trade", 1, 1)
    ]
    parties = {party.key: party for party in trade.parties}
    assert {key: (p.score, p.commitments) for key, p in parties.items()} == {
        "AFG": (1, 1),
        "IND": (1, 1),
    }
    assert [point.score for point in parties["IND"].history] == [-1, -1, -1, 1, 1, 1]


def test_it_scores_each_theme_now_and_over_time(compared):
    border, _ = compared
    themes = {theme.key: theme for theme in border.themes}
    assert {key: theme.score for key, theme in themes.items()} == {
        "border": 100,
        "dialogue": 17,
        "trade": 0,  # B6 alone: B5 is not verifiable
    }
    assert [point.score for point in themes["border"].history] == [0, 50, 100, 100, 100, 100]
    assert themes["dialogue"].commitments == 2


def test_it_scores_each_party_now_and_over_time(compared):
    border, _ = compared
    parties = {party.key: party for party in border.parties}
    assert (parties["AFG"].score, parties["PAK"].score) == (67, 33)
    assert (parties["AFG"].commitments, parties["PAK"].commitments) == (3, 4)
    assert [point.score for point in parties["AFG"].history] == [0, 33, 67, 67, 67, 67]
    assert [point.score for point in parties["PAK"].history] == [0, 25, 33, 33, 33, 33]


def test_the_deadline_day_is_the_apps_time_zones(analyst, settings):
    settings.TIME_ZONE = "Asia/Karachi"  # UTC+5: 18:30 UTC is 23:30 there, 19:30 UTC 00:30
    agreement = AgreementFactory(slug="edge")
    AgreementFactory(slug="other")
    for hour in (18, 19):
        item = CommitmentFactory(agreement=agreement, timeline_wording="by 1 March 2026")
        services.commitment_set_status(
            commitment=item,
            status="implemented",
            reason="Reported",
            by=analyst,
            at=datetime.datetime(2026, 3, 1, hour, 30, tzinfo=datetime.UTC),
        )
    first, _ = selectors.comparison_for(analyst, ["edge", "other"], today=TODAY)
    assert first.timeliness.met == 1
    assert first.timeliness.late_implemented == (1,)


def test_an_implementation_with_no_recorded_change_is_left_out_and_counted(analyst):
    agreement = AgreementFactory(slug="imported")
    CommitmentFactory(agreement=agreement, timeline_wording="by 1 March 2026", status="implemented")
    other = AgreementFactory(slug="other")
    first, _ = selectors.comparison_for(analyst, ["imported", "other"], today=TODAY)
    assert (first.timeliness.undated, first.timeliness.decided) == (1, 0)
    assert first.timeliness.share is None
    assert other.slug == "other"


def test_a_recurring_commitment_has_no_single_deadline_here(analyst):
    agreement = AgreementFactory(slug="yearly")
    CommitmentFactory(agreement=agreement, timeline_wording="annually")
    AgreementFactory(slug="other")
    first, _ = selectors.comparison_for(analyst, ["yearly", "other"], today=TODAY)
    assert first.timeliness.dated == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "Choose two or three"),
        (["a-1"], "Choose two or three"),
        (["a-1", "", " "], "Choose two or three"),
        (["a-1", "a-2", "a-3", "a-4"], "at most three"),
        (["a-1", "a-1"], "chosen twice"),
        (["a-1", "no such/thing"], "not an agreement's address"),
        (["a-1", "x" * 81], "not an agreement's address"),
    ],
)
def test_it_refuses_anything_but_two_or_three_addresses(values, message):
    with pytest.raises(selectors.ComparisonRefused, match=message):
        selectors.compared_slugs(values)


def test_it_takes_two_or_three_addresses_skipping_empty_choices():
    assert selectors.compared_slugs(["a-1", "", "b_2"]) == ["a-1", "b_2"]
    assert selectors.compared_slugs(["a", "b", "c"]) == ["a", "b", "c"]


# Addresses that could be an agreement's, and anything at all.
VALUES = st.one_of(st.from_regex(r"[-a-z0-9_]{1,12}", fullmatch=True), st.just(""), st.text())


@given(st.lists(VALUES, max_size=6))
def test_any_parameters_give_two_or_three_different_addresses_or_a_refusal(values):
    try:
        slugs = selectors.compared_slugs(values)
    except selectors.ComparisonRefused as refusal:
        message = str(refusal)
        assert message  # each refusal says why
        return
    assert 2 <= len(slugs) <= 3
    assert len(set(slugs)) == len(slugs)
    assert all(slug in [value.strip() for value in values] for slug in slugs)


def test_a_hidden_agreement_is_refused_as_an_unknown_one(analyst, restricted_agreement):
    AgreementFactory(slug="open-one")
    with pytest.raises(selectors.ComparisonRefused) as hidden:
        selectors.comparison_for(analyst, ["open-one", "secret-protocol"], today=TODAY)
    with pytest.raises(selectors.ComparisonRefused) as unknown:
        selectors.comparison_for(analyst, ["open-one", "never-was"], today=TODAY)
    assert str(hidden.value).replace("secret-protocol", "X") == str(unknown.value).replace(
        "never-was", "X"
    )


def test_the_month_ends_run_from_the_signing_to_today():
    assert month_ends(D(2025, 12, 31), D(2026, 2, 3)) == [
        D(2025, 12, 31),
        D(2026, 1, 31),
        D(2026, 2, 3),
    ]
    assert month_ends(D(2026, 7, 1), TODAY) == []


def _grow(analyst, agreements, commitments_each):
    for agreement in agreements:
        for number in range(commitments_each):
            item = CommitmentFactory(agreement=agreement, timeline_wording="by 1 March 2026")
            if number % 2:
                services.commitment_set_status(
                    commitment=item, status="in_progress", reason="r", by=analyst
                )


@pytest.mark.parametrize("commitments_each", [1, 12])
def test_the_queries_do_not_grow_with_the_data(
    analyst, django_assert_max_num_queries, commitments_each
):
    agreements = [AgreementFactory(slug=f"size-{n}") for n in range(3)]
    _grow(analyst, agreements, commitments_each)
    # the reader's role; the agreements; their commitments; responsible parties; changes
    with django_assert_max_num_queries(5):
        selectors.comparison_for(analyst, ["size-0", "size-1", "size-2"], today=TODAY)
