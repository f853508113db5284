"""The engine reads treaty wording verbatim: numbers in words, hours, working days."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import (
    TimelineError,
    add_working_days,
    due_date,
    parse_timeline,
)

SIGNED = date(2026, 1, 31)  # a Saturday, so month ends clamp and working days skip a weekend


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("within the first one hundred thirty-five (135) days", date(2026, 6, 15)),
        ("within one hundred and twenty (120) days", date(2026, 5, 31)),
        ("135 (one hundred thirty-five) days", date(2026, 6, 15)),
        ("three (3) months", date(2026, 4, 30)),
        ("within a hundred days", date(2026, 5, 11)),
        ("within two thousand five hundred days", SIGNED + timedelta(days=2500)),
        ("within twenty-one days", date(2026, 2, 21)),
        ("the 30th day after signing", date(2026, 3, 2)),
        ("a period of six months", date(2026, 7, 31)),
        ("not later than 30 days after signing", date(2026, 3, 2)),
        ("not exceeding 90 days", SIGNED + timedelta(days=90)),
        ("prior to 1 May 2026", date(2026, 4, 30)),
        ("before 30 days have elapsed", date(2026, 3, 2)),
        ("by the end of the first quarter of 2027", date(2027, 3, 31)),
        ("by the end of Q3 2027", date(2027, 9, 30)),
        ("by mid-2027", date(2027, 6, 30)),
        ("within the same month", date(2026, 1, 31)),
        ("by the end of 2027", date(2027, 12, 31)),
        ("by the end of March 2027", date(2027, 3, 31)),
        ("within 48 hours", date(2026, 2, 2)),
        ("72 hours after signing", date(2026, 2, 3)),
        ("within 36 hours", date(2026, 2, 1)),
        ("within ten working days", date(2026, 2, 13)),
        ("within 5 business days", date(2026, 2, 6)),
        ("within 3 calendar days", date(2026, 2, 3)),
    ],
)
def test_it_reads_treaty_forms(wording, expected):
    assert due_date(wording, SIGNED) == expected


def test_same_month_is_the_end_of_the_anchors_month():
    assert due_date("within the same month", date(2028, 2, 3)) == date(2028, 2, 29)


def test_working_days_skip_the_holidays_passed_in():
    holidays = frozenset({date(2026, 2, 2), date(2026, 2, 3)})
    assert due_date("within 1 working day", SIGNED, holidays) == date(2026, 2, 4)


@pytest.mark.parametrize(
    ("wording", "problem"),
    [
        ("135 (one hundred thirty) days", r"says “135” but \(one hundred thirty\) in words"),
        ("one hundred (101) days", r"says “one hundred” but \(101\) in figures"),
    ],
)
def test_it_names_both_when_words_and_figures_disagree(wording, problem):
    with pytest.raises(TimelineError, match=problem):
        parse_timeline(wording)


@pytest.mark.parametrize(
    "wording",
    [
        "within five five days",
        "within hundred a days",
        "within thirty hundred days",
        "within one hundred twelve hundred days",
        "within 900000 hours",
        "by mid-year",
    ],
)
def test_it_refuses_malformed_numbers_and_names_the_closest_forms(wording):
    with pytest.raises(TimelineError) as raised:
        parse_timeline(wording)
    assert raised.value.closest[0] in str(raised.value)


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen "
_ONES += "fourteen fifteen sixteen seventeen eighteen nineteen"
ONES = _ONES.split()
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(number: int) -> str:
    """English words for 1..9999, as treaties write them ("one hundred thirty-five")."""
    parts = []
    if number >= 1000:
        parts += [ONES[number // 1000], "thousand"]
        number %= 1000
    if number >= 100:
        parts += [ONES[number // 100], "hundred"]
        number %= 100
    if number >= 20:
        parts.append(TENS[number // 10] + (f"-{ONES[number % 10]}" if number % 10 else ""))
    elif number:
        parts.append(ONES[number])
    return " ".join(parts)


@given(number=st.integers(min_value=1, max_value=9999))
def test_numbers_in_words_read_as_their_figures(number):
    wording = f"within {in_words(number)} ({number}) days"
    assert due_date(wording, SIGNED) == SIGNED + timedelta(days=number)


starts = st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31))
UNIT_LIMITS = {
    "hours": 24 * 3000,
    "days": 3000,
    "weeks": 500,
    "months": 1199,
    "years": 99,
    "working days": 1000,
}


@given(start=starts, unit=st.sampled_from(sorted(UNIT_LIMITS)), data=st.data())
def test_the_due_date_never_goes_back_as_the_amount_grows(start, unit, data):
    amount = data.draw(st.integers(min_value=1, max_value=UNIT_LIMITS[unit]))
    assert due_date(f"within {amount} {unit}", start) <= due_date(
        f"within {amount + 1} {unit}", start
    )


@given(year=st.integers(min_value=1950, max_value=2200))
def test_a_month_after_the_31st_of_january_clamps_to_the_end_of_february(year):
    assert due_date("within one month", date(year, 1, 31)) == date(
        year, 2, calendar.monthrange(year, 2)[1]
    )


holiday_sets = st.frozensets(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=40
)


@given(start=st.dates(date(2026, 1, 1), date(2026, 12, 31)), holidays=holiday_sets,
       count=st.integers(min_value=1, max_value=200))  # fmt: skip
def test_working_days_land_on_a_working_day_and_more_is_later(start, holidays, count):
    due = due_date(f"within {count} working days", start, holidays)
    assert due.weekday() < 5
    assert due not in holidays
    assert add_working_days(start, count + 1, holidays) > due
