"""Promptness without a date, and recurring obligations, as treaties word them (issue 19,
items 4 and 5)."""

from datetime import date

import pytest

from tracker.deadlines import TimelineError, TimelineKind, parse_timeline, period_ends
from tracker.recurrence import Recurrence

SIGNED = date(2026, 1, 31)


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("immediately", None),
        ("without delay", None),
        ("forthwith", None),
        ("at the earliest opportunity", None),
        ("as soon as possible", None),
        ("as soon as possible after the signing", None),
        ("immediately upon entry into force", "entry into force"),
        ("immediately after the request is received", "request is received"),
    ],
)
def test_promptness_is_read_with_the_event_it_follows(wording, event):
    timeline = parse_timeline(wording)
    assert (timeline.kind, timeline.event) == (TimelineKind.PROMPT, event)


def test_promptness_has_a_date_only_with_a_grace_period():
    timeline = parse_timeline("immediately upon entry into force")
    assert timeline.due_from(SIGNED) is None
    assert timeline.due_from(SIGNED, grace_days=10) == date(2026, 2, 10)


def test_promptness_after_an_event_says_so():
    assert parse_timeline("immediately upon entry into force").describe() == (
        "no fixed date, expected promptly after the entry into force"
    )


@pytest.mark.parametrize(
    ("wording", "recurrence"),
    [
        ("annually", Recurrence(months=12)),
        ("monthly meetings", Recurrence(months=1)),
        ("regular high-level consultations", Recurrence()),
        ("every six months thereafter", Recurrence(months=6)),
        ("on an annual basis", Recurrence(months=12)),
        ("at least once a year", Recurrence(months=12)),
        ("once every three months", Recurrence(months=3)),
        ("twice a year", Recurrence(months=6)),
        ("three times a year", Recurrence(months=4)),
        ("every other year", Recurrence(months=24)),
        ("every two years starting in 2027", Recurrence(months=24, starts_on=date(2027, 1, 1))),
        ("each year on 1 March", Recurrence(months=12, on_month=3, on_day=1)),
        ("on 1 March each year", Recurrence(months=12, on_month=3, on_day=1)),
        ("annually on 15 June", Recurrence(months=12, on_month=6, on_day=15)),
        ("every 90 days", Recurrence(days=90)),
        ("every fortnight", Recurrence(days=14)),
        ("quarterly reports starting in 2027", Recurrence(months=3, starts_on=date(2027, 1, 1))),
        ("meetings every six months", Recurrence(months=6)),
        ("consultations on a regular basis", Recurrence()),
    ],
)
def test_recurring_wording_is_read_into_its_interval(wording, recurrence):
    timeline = parse_timeline(wording)
    assert timeline.kind == TimelineKind.RECURRING
    assert timeline.recurrence == recurrence


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("annually, starting from the entry into force", "entry into force"),
        ("every 3 weeks following ratification", "ratification"),
        ("every six months after signing", None),
    ],
)
def test_a_recurring_timeline_may_name_its_event(wording, event):
    timeline = parse_timeline(wording)
    assert (timeline.kind, timeline.event) == (TimelineKind.RECURRING, event)


def test_a_recurring_timeline_from_an_event_counts_its_periods_from_the_events_date():
    timeline = parse_timeline("annually, starting from the entry into force")
    assert period_ends(timeline, date(2026, 3, 1), 2) == [date(2026, 12, 31), date(2027, 12, 31)]


def test_a_year_on_its_own_is_a_period_not_a_recurrence():
    assert parse_timeline("a year").kind == TimelineKind.OFFSET


@pytest.mark.parametrize(
    ("wording", "problem"),
    [
        ("twice a month", "does not split into equal periods"),
        ("every 0 days", "needs an interval of at least one day"),
        ("annual report on progress", "has “on progress” after its interval"),
        ("each year on 45 March", "names a day of the year that does not exist"),
    ],
)
def test_recurring_wording_it_cannot_read_is_refused_with_the_reason(wording, problem):
    with pytest.raises(TimelineError) as raised:
        parse_timeline(wording)
    assert raised.value.problem.startswith(problem)


@pytest.mark.parametrize(
    ("wording", "recurrence"),
    [
        ("on 1 January of each year", Recurrence(months=12, on_month=1, on_day=1)),
        ("on January 1 of each year", Recurrence(months=12, on_month=1, on_day=1)),
        ("not later than 31 March of each year", Recurrence(months=12, on_month=3, on_day=31)),
        ("Before 31 March each year", Recurrence(months=12, on_month=3, on_day=30)),
        ("before 1 March each year", Recurrence(months=12, on_month=2, on_day=29)),
        ("at regular intervals", Recurrence()),
        ("at regular intervals, not exceeding a period of two years", Recurrence(months=24)),
    ],
)
def test_yearly_days_and_regular_intervals_as_trade_agreements_word_them(wording, recurrence):
    assert parse_timeline(wording).recurrence == recurrence


def test_before_the_first_of_march_each_year_is_the_last_day_of_february():
    timeline = parse_timeline("before 1 March each year")
    assert period_ends(timeline, date(2026, 6, 1), 2) == [date(2027, 2, 28), date(2028, 2, 29)]


@pytest.mark.parametrize("wording", ["at a later stage", "from time to time", "in due course"])
def test_wording_that_fixes_no_date_or_schedule_is_refused(wording):
    with pytest.raises(TimelineError):
        parse_timeline(wording)


def test_an_ongoing_basis_is_no_deadline():
    assert parse_timeline("on an ongoing basis").kind == TimelineKind.NONE


@pytest.mark.parametrize(
    ("wording", "months", "event", "starts_on"),
    [
        ("within two years of the entry into force, and every two years thereafter", 24,
         "entry into force", None),
        ("within one year of signing, then every six months", 6, None, None),
        ("dans un délai de deux ans à compter de l'entrée en vigueur, et ensuite tous les deux "
         "ans", 24, "entrée en vigueur", None),
        ("starting in 2027, every two years", 24, None, date(2027, 1, 1)),
        ("à compter de 1990, et au moins tous les quatre ans par la suite", 48, None,
         date(1990, 1, 1)),
        ("from the entry into force, every six months", 6, "entry into force", None),
    ],
)  # fmt: skip
def test_a_first_deadline_or_a_start_then_a_repetition_is_one_recurring_obligation(
    wording, months, event, starts_on
):
    timeline = parse_timeline(wording)
    assert timeline.kind == TimelineKind.RECURRING
    assert (timeline.recurrence.months, timeline.event) == (months, event)
    assert timeline.recurrence.starts_on == starts_on


def test_a_first_deadline_then_words_that_do_not_repeat_is_refused():
    with pytest.raises(TimelineError):
        parse_timeline("within two years, then whenever the parties wish")
