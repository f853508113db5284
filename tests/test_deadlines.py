"""The deadline engine: wording -> due date, month clamping, and the error path."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import (
    NO_DEADLINE,
    TimelineError,
    TimelineKind,
    add_months,
    due_date,
    parse_timeline,
)

SIGNED = date(2026, 1, 31)

WORDINGS = [
    # wording as an agreement writes it, counted from 31 Jan 2026 -> due date
    ("Within 3 months", date(2026, 4, 30)),
    ("Within 1 month", date(2026, 2, 28)),
    ("within 135 days", SIGNED + timedelta(days=135)),
    ("within fourteen (14) months", date(2027, 3, 31)),
    ("within two weeks", date(2026, 2, 14)),
    ("within a year", date(2027, 1, 31)),
    ("by 10 March 2020", date(2020, 3, 10)),
    ("by March 10, 2020", date(2020, 3, 10)),
    ("by 2020-03-10", date(2020, 3, 10)),
    ("next month", date(2026, 2, 28)),
    ("", None),
    ("ongoing", None),
    ("Ongoing.", None),
    # further forms analysts meet
    ("within 3 months of signing", date(2026, 4, 30)),
    ("three months after the talks start", date(2026, 4, 30)),
    ("135 days", SIGNED + timedelta(days=135)),
    ("within twenty-one days", date(2026, 2, 21)),
    ("within an year", date(2027, 1, 31)),
    ("WITHIN  6  MONTHS", date(2026, 7, 31)),
    ("within a fortnight", date(2026, 2, 14)),
    ("within the next month", date(2026, 2, 28)),
    ("by 10th March 2020", date(2020, 3, 10)),
    ("by 1 Sept 2026", date(2026, 9, 1)),
    ("no later than 30 June 2026", date(2026, 6, 30)),
    ("by the end of March 2026", date(2026, 3, 31)),
    ("by the end of 2026", date(2026, 12, 31)),
    ("by January 2006", date(2006, 1, 31)),  # a month: its last day
    ("before January 2006", date(2005, 12, 31)),
    ("before the end of 2026", date(2026, 12, 31)),  # an end is not "too late"
    ("on or before January 1, 1998", date(1998, 1, 1)),
    ("by 31 December 1998 at the latest", date(1998, 12, 31)),
    ("before 1 May 2026", date(2026, 4, 30)),  # 1 May itself is too late
    ("2026-05-01", date(2026, 5, 1)),
    ("immediately", None),  # no fixed date, expected promptly (no grace period given)
    ("no deadline", None),
]


@pytest.mark.parametrize(("wording", "expected"), WORDINGS)
def test_it_reads_the_wording(wording, expected):
    assert due_date(wording, SIGNED) == expected


@pytest.mark.parametrize(
    "wording",
    [
        "soon",
        "within several months",
        "within fourteen (15) months",
        "by 31 February 2026",
        "by 10/03/2020",
        "within 0 days",
        "within 5000 years",
        "within 101 years",
        "within 40000 days",
        "by the end of Smarch 2026",
        "within twenty-a days",
    ],
)
def test_it_refuses_wording_it_cannot_read_and_names_the_closest_forms(wording):
    with pytest.raises(TimelineError) as raised:
        parse_timeline(wording)
    assert f"“{wording}”" in str(raised.value)
    assert len(raised.value.closest) == 3
    assert all(f"'{form}'" in str(raised.value) for form in raised.value.closest)


def test_it_names_the_disagreement_between_words_and_figures():
    with pytest.raises(TimelineError, match=r"says “fourteen” but \(15\) in figures"):
        parse_timeline("within fourteen (15) months")


def test_it_counts_a_relative_timeline_from_the_anchor_it_is_given():
    timeline = parse_timeline("within 3 months")
    assert timeline.is_relative
    assert timeline.due_from(date(2026, 3, 15)) == date(2026, 6, 15)
    assert timeline.due_from(None) is None


def test_a_fixed_date_ignores_the_anchor():
    timeline = parse_timeline("by 10 March 2020")
    assert timeline.kind == TimelineKind.FIXED
    assert timeline.due_from(date(2030, 1, 1)) == date(2020, 3, 10)


def test_ongoing_has_no_deadline():
    assert parse_timeline("ongoing") == NO_DEADLINE
    assert NO_DEADLINE.due_from(SIGNED) is None


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_month_arithmetic_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31))
month_counts = st.integers(min_value=0, max_value=1200)


@given(start=dates, months=month_counts)
def test_adding_months_lands_in_the_right_month(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months


@given(start=dates, months=month_counts)
def test_adding_months_keeps_the_day_or_clamps_to_the_last(start, months):
    result = add_months(start, months)
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last_day)


@given(start=dates, months=st.integers(min_value=1, max_value=1200))
def test_adding_more_months_never_goes_back_in_time(start, months):
    assert add_months(start, months) > add_months(start, months - 1)


@given(start=dates, years=st.integers(min_value=1, max_value=100))
def test_years_are_twelve_months(start, years):
    wording = f"within {years} year{'s' if years > 1 else ''}"
    assert due_date(wording, start) == add_months(start, 12 * years)


@given(start=dates, days=st.integers(min_value=1, max_value=1200))
def test_days_are_calendar_days(start, days):
    assert due_date(f"within {days} days", start) == start + timedelta(days=days)


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)),
    style=st.sampled_from(["{d} {B} {Y}", "{B} {d}, {Y}", "{iso}"]),
)
def test_every_written_date_reads_back_as_itself(day, style):
    wording = "by " + style.format(
        d=day.day, B=calendar.month_name[day.month], Y=day.year, iso=day.isoformat()
    )
    assert due_date(wording, None) == day


@given(text=st.text(max_size=60))
def test_any_text_either_parses_or_raises_a_timeline_error(text):
    error = None
    try:
        parse_timeline(text)
    except TimelineError as raised:
        error = raised
    assert error is None or "Write it as one of the closest forms it reads: '" in str(error)
