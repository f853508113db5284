"""Properties of the engine over generated inputs: recurring periods tile time, and no
wording makes the parser raise anything but TimelineError (issue 19, must show).

The due date's monotonicity in the amount, month clamping and working days are checked in
tests/test_deadline_wording.py and tests/test_deadlines.py; French amounts here.
"""

from datetime import date, timedelta
from itertools import islice, pairwise

from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import TimelineError, add_months, due_date, parse_timeline
from tracker.recurrence import Recurrence, periods

anchors = st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31))
PERIODS = 14


@st.composite
def recurrences(draw) -> Recurrence:
    kind = draw(st.sampled_from(["months", "days", "on_day"]))
    starts_on = draw(st.none() | anchors)
    if kind == "months":
        months = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 9, 12, 18, 24, 36]))
        return Recurrence(months=months, starts_on=starts_on)
    if kind == "days":
        return Recurrence(days=draw(st.integers(min_value=1, max_value=800)), starts_on=starts_on)
    return Recurrence(
        months=12,
        on_month=draw(st.integers(min_value=1, max_value=12)),
        on_day=draw(st.integers(min_value=1, max_value=31)),
        starts_on=starts_on,
    )


def _shortest_interval_days(recurrence: Recurrence) -> int:
    return recurrence.days or 28 * recurrence.months  # a month is at least 28 days


@given(recurrence=recurrences(), anchor=anchors)
def test_recurring_periods_are_contiguous_and_never_overlap(recurrence, anchor):
    found = list(islice(periods(recurrence, anchor), PERIODS))
    assert found[0].starts_on == (recurrence.starts_on or anchor)
    for period in found:
        assert period.starts_on <= period.ends_on
    for earlier, later in pairwise(found):
        assert later.starts_on == earlier.ends_on + timedelta(days=1)


@given(recurrence=recurrences(), anchor=anchors)
def test_every_recurring_period_is_at_least_half_an_interval_long(recurrence, anchor):
    for period in islice(periods(recurrence, anchor), PERIODS):
        length = (period.ends_on - period.starts_on).days + 1
        assert 2 * length >= _shortest_interval_days(recurrence)


@given(recurrence=recurrences(), anchor=anchors)
def test_recurring_period_labels_are_unique(recurrence, anchor):
    labels = [period.label for period in islice(periods(recurrence, anchor), PERIODS)]
    assert len(set(labels)) == len(labels)


def test_a_recurrence_with_no_interval_has_no_periods():
    assert list(islice(periods(Recurrence(), date(2026, 1, 31)), 3)) == []


_FRAGMENTS = [
    "within",
    "not later than",
    "by",
    "every",
    "each year",
    "on",
    "after",
    "upon",
    "of",
    "the",
    "first",
    "signing",
    "entry into force",
    "ratification",
    "(",
    ")",
    "(30)",
    "thirty",
    "one hundred",
    "and",
    "-",
    "days",
    "working days",
    "hours",
    "months",
    "years",
    "quarter",
    "2027",
    "31",
    "February",
    "March",
    "mid-",
    "end of",
    "immediately",
    "as soon as possible",
    "annually",
    "twice a year",
    "starting in",
    "thereafter",
    "(counted from",
    "dans",
    "les",
    "un délai de",
    "jours",
    "mois",
    "à compter de",
    "l'entrée en vigueur",
    "suivant la signature",
    "quatre-vingt",
    "soixante et onze",
    "au plus tard le",
    "juin",
    "tous les",
    "chaque année",
    "fois par an",
    "sans délai",
    "d'ici fin",
    "1er",
    "0",
    "99999",
    "(deux)",
    "times",
    "other",
    "basis",
    "meetings",
]


@given(words=st.lists(st.sampled_from(_FRAGMENTS), max_size=9))
def test_treaty_like_wording_either_parses_or_raises_a_timeline_error(words):
    _parse_or_refuse(" ".join(words))


@given(text=st.text(max_size=120))
def test_any_text_either_parses_or_raises_a_timeline_error(text):
    _parse_or_refuse(text)


def _parse_or_refuse(wording: str) -> None:
    refusal = timeline = None
    try:
        timeline = parse_timeline(wording)
    except TimelineError as raised:
        refusal = raised
    if refusal is not None:
        assert len(refusal.closest) == 3
    else:
        assert timeline.describe()
        timeline.due_from(date(2026, 1, 31))


@given(anchor=anchors, amount=st.integers(min_value=1, max_value=1199))
def test_french_months_never_go_back_as_the_amount_grows(anchor, amount):
    earlier = due_date(f"dans un délai de {amount} mois", anchor)
    assert earlier == add_months(anchor, amount)
    assert due_date(f"dans un délai de {amount + 1} mois", anchor) > earlier
