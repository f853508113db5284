"""Hours give a due time as well as a due date (issue 19, item 2)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import parse_timeline


def test_hours_count_from_the_moment_of_the_event():
    timeline = parse_timeline("within 48 hours")
    assert timeline.due_at(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == datetime(
        2026, 3, 3, 17, 30, tzinfo=UTC
    )


def test_french_hours_have_a_due_time_too():
    timeline = parse_timeline("dans les 72 heures suivant la signature")
    assert timeline.due_at(datetime(2026, 3, 1, 9, 0)) == datetime(2026, 3, 4, 9, 0)


def test_a_date_alone_counts_from_its_midnight():
    assert parse_timeline("72 hours after signing").due_at(date(2026, 3, 1)) == datetime(
        2026, 3, 4, 0, 0
    )


@pytest.mark.parametrize(
    "wording", ["within 3 days", "within 2 months", "by 10 March 2020", "immediately", "annually"]
)
def test_other_units_have_no_due_time(wording):
    assert parse_timeline(wording).due_at(datetime(2026, 3, 1, 12, 0)) is None


def test_the_due_date_stays_the_day_the_hours_end_from_the_start_of_the_day():
    assert parse_timeline("within 36 hours").due_from(date(2026, 3, 1)) == date(2026, 3, 2)


def test_no_anchor_no_due_time():
    assert parse_timeline("within 48 hours").due_at(None) is None


@given(
    moment=st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2200, 1, 1)),
    hours=st.integers(min_value=1, max_value=24 * 3000),
)
def test_the_due_time_falls_on_the_due_date_when_counted_from_midnight(moment, hours):
    timeline = parse_timeline(f"within {hours} hours")
    midnight = datetime.combine(moment.date(), datetime.min.time())
    assert timeline.due_at(midnight).date() == timeline.due_from(moment.date())
    assert timeline.due_at(moment) - moment == timedelta(hours=hours)
