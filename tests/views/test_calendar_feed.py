"""/calendar/<token>.ics: the deadlines the token's owner may see, as RFC 5545, parsed back
with the icalendar library."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tracker import services
from tracker.models import CommitmentStatus

from ..factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def _feed(client, user):
    return client.get(reverse("tracker:calendar-feed", args=[user.calendar_token]))


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_it_needs_no_sign_in_and_answers_icalendar(client, analyst, commitment):
    response = _feed(client, analyst)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]


def test_each_deadline_is_an_all_day_event_with_commitment_agreement_and_link(
    client, analyst, commitment
):
    (event,) = _events(_feed(client, analyst))
    assert event.decoded("DTSTART") == datetime.date(2026, 4, 30)
    assert event.decoded("DTEND") == datetime.date(2026, 5, 1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["SUMMARY"]) == f"Due: {commitment.reference} {commitment.title}"
    assert commitment.agreement.title in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://testserver/commitments/{commitment.pk}/"
    assert str(event["UID"]) == f"commitment-{commitment.pk}@testserver"
    assert event["DTSTAMP"]


def test_there_is_one_event_per_visible_deadline_and_none_without_one(client, analyst, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="by 2026-06-01")
    CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    starts = sorted(event.decoded("DTSTART") for event in _events(_feed(client, analyst)))
    assert starts == [datetime.date(2026, 2, 28), datetime.date(2026, 6, 1)]


def test_none_for_a_restricted_agreement_the_user_cannot_see(
    client, analyst, commitment, restricted_agreement
):
    summaries = [str(event["SUMMARY"]) for event in _events(_feed(client, analyst))]
    assert summaries == [f"Due: {commitment.reference} {commitment.title}"]
    restricted_agreement.teams.get().members.add(analyst)
    assert len(_events(_feed(client, analyst))) == 2


def test_a_closed_commitment_says_so(client, analyst, commitment):
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.IMPLEMENTED, reason="Done", by=analyst
    )
    (event,) = _events(_feed(client, analyst))
    assert str(event["SUMMARY"]).endswith("(implemented)")


def test_lines_are_folded_and_end_with_crlf(client, analyst, agreement):
    CommitmentFactory(agreement=agreement, title="A very long title " * 10)
    content = _feed(client, analyst).content
    lines = content.split(b"\r\n")
    assert content.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in lines)


def test_an_unknown_token_is_a_404(client, analyst):
    assert client.get(reverse("tracker:calendar-feed", args=["x" * 43])).status_code == 404


def test_a_deactivated_user_has_no_feed(client, analyst, commitment):
    analyst.is_active = False
    analyst.save()
    assert _feed(client, analyst).status_code == 404


def test_each_user_has_their_own_token(analyst, viewer):
    assert len(analyst.calendar_token) >= 40
    assert analyst.calendar_token != viewer.calendar_token


@pytest.mark.parametrize("size", [2, 40])
def test_the_feed_takes_the_same_queries_whatever_its_size(
    client, analyst, size, django_assert_max_num_queries
):
    for _ in range(size):
        CommitmentFactory()
    with django_assert_max_num_queries(5):
        response = _feed(client, analyst)
    assert len(_events(response)) == size
