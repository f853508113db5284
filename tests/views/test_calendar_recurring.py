"""The calendar's recurring event: an open recurring commitment is one VEVENT from the end of
the period it owes, with an RRULE whose occurrences (expanded by dateutil, after icalendar
parses the feed back) are exactly the ends of its periods. Today is 15 March 2026."""

import datetime
from itertools import islice

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from tracker import deadlines, services
from tracker.ical import recurrence_rule
from tracker.models import CommitmentStatus, Stance
from tracker.recurrence import periods

from ..factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

KARACHI = datetime.timezone(datetime.timedelta(hours=5))
D = datetime.date


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=KARACHI), tick=False)


def _occurrences(rule: str, start: datetime.date, count: int) -> list[datetime.date]:
    dtstart = datetime.datetime.combine(start, datetime.time())
    return [moment.date() for moment in islice(rrulestr(rule, dtstart=dtstart), count)]


@pytest.mark.parametrize(
    ("wording", "anchor"),
    [
        ("quarterly", D(2026, 1, 31)),
        ("quarterly", D(2026, 3, 1)),
        ("monthly", D(2026, 1, 10)),
        ("every two months", D(2026, 5, 20)),
        ("every four months", D(2026, 2, 1)),
        ("every six months", D(2026, 1, 31)),
        ("annually", D(2026, 5, 10)),
        ("biennially", D(2026, 5, 10)),
        ("every two years starting in 2027", D(2026, 1, 31)),
        ("each year on 1 March", D(2026, 1, 31)),
        ("each year on 29 February", D(2026, 1, 31)),
        ("each year on 31 April", D(2026, 1, 31)),
        ("weekly", D(2026, 1, 7)),
        ("fortnightly", D(2026, 1, 7)),
        ("every 10 days", D(2026, 1, 7)),
        ("every five months", D(2026, 1, 15)),
        ("every five months", D(2026, 1, 1)),
    ],
)
def test_the_rule_repeats_on_every_periods_end(wording, anchor):
    recurrence = deadlines.parse_timeline(wording).recurrence
    ends = [period.ends_on for period in islice(periods(recurrence, anchor), 1, 40)]
    rule = recurrence_rule(recurrence, recurrence.starts_on or anchor)
    assert rule
    assert _occurrences(rule, ends[0], len(ends)) == ends


def test_no_rule_where_month_steps_end_unevenly():
    recurrence = deadlines.parse_timeline("every five months").recurrence
    assert recurrence_rule(recurrence, D(2026, 1, 31)) == ""


def _events(client, user) -> dict:
    response = client.get(reverse("tracker:calendar-feed", args=[user.calendar_token]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_a_recurring_commitment_is_one_event_repeating_on_its_periods_ends(client, analyst):
    agreement = AgreementFactory(signed_on=D(2026, 1, 31))
    commitment = CommitmentFactory(
        agreement=agreement, reference="R", title="Report", timeline_wording="quarterly"
    )
    services.evidence_log(
        commitment=commitment,
        by=None,
        summary="Q1 report",
        occurred_on=D(2026, 3, 1),
        stance=Stance.PROGRESS,
    )
    CommitmentFactory(agreement=agreement, reference="F", title="Fixed", timeline_wording="monthly")
    events = _events(client, analyst)
    event = events["Due: R Report"]
    assert event.decoded("DTSTART") == D(2026, 6, 30)  # Q1 met: Q2 owed
    rule = event["RRULE"].to_ical().decode()
    assert rule == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"
    assert _occurrences(rule, D(2026, 6, 30), 4) == [
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
        D(2027, 3, 31),
    ]
    description = str(event["DESCRIPTION"])
    assert "Recurring: every 3 months (quarterly)" in description
    assert "Period owed: Q2 2026" in description
    assert events["Due: F Fixed"].decoded("DTSTART") == D(2026, 2, 28)


def test_one_off_and_closed_commitments_have_no_rule(client, analyst, agreement):
    CommitmentFactory(agreement=agreement, reference="O", title="Once")
    done = CommitmentFactory(
        agreement=agreement, reference="D", title="Done", timeline_wording="quarterly"
    )
    services.commitment_set_status(
        commitment=done, status=CommitmentStatus.IMPLEMENTED, reason="Ended", by=None
    )
    events = _events(client, analyst)
    assert "RRULE" not in events["Due: O Once"]
    assert "RRULE" not in events["Due: D Done (implemented)"]
    assert "Recurring" not in str(events["Due: D Done (implemented)"]["DESCRIPTION"])


@pytest.mark.parametrize("size", [2, 20])
def test_recurring_events_take_no_more_queries(client, analyst, size, django_assert_num_queries):
    for _ in range(size):
        CommitmentFactory(timeline_wording="monthly")
    with django_assert_num_queries(4):  # user, role and teams, deadlines, parties
        client.get(reverse("tracker:calendar-feed", args=[analyst.calendar_token]))
