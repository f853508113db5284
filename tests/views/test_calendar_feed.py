"""/calendar/<token>.ics: the deadlines the token's owner may see, as RFC 5545, parsed back
with the icalendar library; within a window of due dates and up to a number of events, with
an ETag for 304s and a rate limit per token. Today is 15 March 2026 (site time)."""

import datetime
import time

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse
from icalendar import Calendar

from tracker import services
from tracker.models import Commitment, CommitmentStatus, Party
from tracker.settings import _rate_limit_cache

from ..factories import CommitmentFactory, MilestoneFactory
from ..support import FrozenServer, free_port

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)
KARACHI = datetime.timezone(datetime.timedelta(hours=5))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=KARACHI), tick=False)


def _feed(client, user, **headers):
    return client.get(reverse("tracker:calendar-feed", args=[user.calendar_token]), **headers)


def _calendar(response) -> Calendar:
    return Calendar.from_ical(response.content)


def _events(response) -> list:
    return _calendar(response).walk("VEVENT")


def _due(days: int, **fields) -> Commitment:
    """A commitment of a new agreement, due `days` from today (negative: overdue)."""
    due = TODAY + datetime.timedelta(days=days)
    return CommitmentFactory(timeline_wording=f"by {due.isoformat()}", **fields)


def _starts(response) -> list[datetime.date]:
    return [event.decoded("DTSTART") for event in _events(response)]


def test_it_needs_no_sign_in_and_answers_icalendar(client, analyst, commitment):
    response = _feed(client, analyst)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    calendar = _calendar(response)
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
    parties = ", ".join(
        commitment.responsible_parties.order_by("name").values_list("code", flat=True)
    )
    assert f"Responsible: {parties}" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://testserver/commitments/{commitment.pk}/"
    assert str(event["UID"]) == f"commitment-{commitment.pk}@testserver"
    assert event.decoded("DTSTAMP") == commitment.updated_at
    assert event.decoded("LAST-MODIFIED") == commitment.updated_at
    assert event["CATEGORIES"].cats == [commitment.get_theme_display()]


def test_there_is_one_event_per_visible_deadline_and_none_without_one(client, analyst, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="by 2026-06-01")
    CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    starts = sorted(_starts(_feed(client, analyst)))
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


def test_text_with_escapes_and_wide_characters_comes_back_as_written(client, analyst, agreement):
    title = "Échange; «frontière», \\ دوطرفه " * 6
    commitment = CommitmentFactory(agreement=agreement, title=title)
    response = _feed(client, analyst)
    lines = response.content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") for line in lines[:-1])  # no character cut by a fold
    (event,) = _events(response)
    assert str(event["SUMMARY"]) == f"Due: {commitment.reference} {title}"


def test_an_unknown_token_is_a_404(client, analyst):
    assert client.get(reverse("tracker:calendar-feed", args=["x" * 43])).status_code == 404


def test_a_deactivated_user_has_no_feed(client, analyst, commitment):
    analyst.is_active = False
    analyst.save()
    assert _feed(client, analyst).status_code == 404


def test_each_user_has_their_own_token(analyst, viewer):
    assert len(analyst.calendar_token) >= 40
    assert analyst.calendar_token != viewer.calendar_token


# The window and the limit


def test_deadlines_outside_the_window_are_left_out(client, analyst):
    for days in (-91, -90, 0, 730, 731):
        _due(days)
    starts = sorted(_starts(_feed(client, analyst)))
    assert starts == [TODAY + datetime.timedelta(days=days) for days in (-90, 0, 730)]


def test_the_window_comes_from_the_settings(client, analyst, settings):
    settings.CALENDAR_FEED_DAYS_BEFORE, settings.CALENDAR_FEED_DAYS_AFTER = 5, 10
    for days in (-6, -5, 10, 11):
        _due(days)
    starts = sorted(_starts(_feed(client, analyst)))
    assert starts == [TODAY - datetime.timedelta(days=5), TODAY + datetime.timedelta(days=10)]


def test_the_nearest_deadlines_come_first_overdue_ones_included(client, analyst):
    for days in (40, -3, 2, -30, 0):
        _due(days)
    starts = _starts(_feed(client, analyst))
    assert starts == [TODAY + datetime.timedelta(days=days) for days in (0, 2, -3, -30, 40)]


def test_at_the_limit_the_feed_has_the_nearest_and_says_so(client, analyst, settings):
    settings.CALENDAR_FEED_MAX_EVENTS = 2
    for days in (300, -1, 5, -60):
        _due(days)
    response = _feed(client, analyst)
    *deadlines, note = _events(response)
    assert [event.decoded("DTSTART") for event in deadlines] == [
        TODAY - datetime.timedelta(days=1),
        TODAY + datetime.timedelta(days=5),
    ]
    assert str(note["SUMMARY"]) == "Only the 2 nearest deadlines are in this calendar"
    assert note.decoded("DTSTART") == TODAY
    assert str(note["URL"]) == "http://testserver" + reverse("tracker:calendar-settings")
    calendar = _calendar(response)
    description = str(calendar["DESCRIPTION"])
    assert calendar["X-WR-CALDESC"] == calendar["DESCRIPTION"].to_ical().decode()
    assert "More than 2 are due in that time" in description
    assert "due from 2025-12-15 to 2028-03-14" in description


def test_below_the_limit_there_is_no_note(client, analyst, settings):
    settings.CALENDAR_FEED_MAX_EVENTS = 2
    _due(-1)
    _due(5)
    response = _feed(client, analyst)
    assert len(_events(response)) == 2
    description = str(_calendar(response)["DESCRIPTION"])
    assert "at most 2, the nearest to today" in description
    assert "More than" not in description


# Conditional requests: the ETag changes whenever the body would


def _etag(client, user) -> str:
    response = _feed(client, user)
    assert response.status_code == 200
    return response["ETag"]


def test_a_repeat_with_the_etag_is_a_304_without_a_body(client, analyst, commitment):
    first = _feed(client, analyst)
    again = _feed(client, analyst, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "private, max-age=900"


def test_the_same_data_gives_the_same_bytes(client, analyst, commitment):
    assert _feed(client, analyst).content == _feed(client, analyst).content


def test_if_modified_since_alone_is_answered_in_full(client, analyst, commitment):
    """No Last-Modified is sent: what the feed shows has no trustworthy date (a moved
    milestone, a renamed party, a new team member change it without one), so a date is
    never a reason for a 304."""
    first = _feed(client, analyst)
    assert "Last-Modified" not in first
    later = "Sat, 01 Jan 2100 00:00:00 GMT"
    assert _feed(client, analyst, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_a_changed_status_gives_a_new_etag(client, analyst, commitment):
    before = _etag(client, analyst)
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.STALLED, reason="Stuck", by=analyst
    )
    response = _feed(client, analyst, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_a_due_date_moved_with_its_milestone_gives_a_new_etag(client, analyst, agreement):
    """The recount of due dates leaves `updated_at` as it was: only the data tells."""
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 1))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", deadline_milestone=meeting
    )
    before = _etag(client, analyst)
    services.milestone_set_date(milestone=meeting, date=datetime.date(2026, 3, 10))
    moved = Commitment.objects.get(pk=commitment.pk)
    assert (moved.due_on, moved.updated_at) == (datetime.date(2026, 4, 10), commitment.updated_at)
    response = _feed(client, analyst, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert _starts(response) == [datetime.date(2026, 4, 10)]


def test_a_renamed_party_gives_a_new_etag(client, analyst, commitment):
    before = _etag(client, analyst)
    Party.objects.filter(pk=commitment.responsible_parties.first().pk).update(code="NEW")
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_joining_a_team_gives_a_new_etag(client, analyst, commitment, restricted_agreement):
    before = _etag(client, analyst)
    restricted_agreement.teams.get().members.add(analyst)
    response = _feed(client, analyst, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert len(_events(response)) == 2


def test_the_next_day_gives_a_new_etag_as_the_window_moves(client, analyst, time_machine):
    _due(-90)
    _due(3)
    before = _etag(client, analyst)
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=before).status_code == 304
    time_machine.move_to(datetime.datetime(2026, 3, 16, 0, 1, tzinfo=KARACHI), tick=False)
    response = _feed(client, analyst, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert _starts(response) == [TODAY + datetime.timedelta(days=3)]


def test_the_next_day_gives_a_new_etag_even_with_the_same_events(client, analyst, time_machine):
    """The description names the window's dates: it changed, so did the body."""
    _due(3)
    before = _etag(client, analyst)
    time_machine.move_to(datetime.datetime(2026, 3, 16, 0, 1, tzinfo=KARACHI), tick=False)
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_another_limit_gives_a_new_etag(client, analyst, commitment, settings):
    before = _etag(client, analyst)
    settings.CALENDAR_FEED_MAX_EVENTS = 5
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=before).status_code == 200


# The rate limit per token


def test_past_the_limit_a_token_gets_429_with_retry_after(client, analyst, viewer, settings):
    settings.CALENDAR_FEED_RATE_LIMIT, settings.CALENDAR_FEED_RATE_SECONDS = 3, 600
    etag = _etag(client, analyst)
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=etag).status_code == 304  # counts too
    assert _feed(client, analyst).status_code == 200
    refused = _feed(client, analyst)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert _feed(client, viewer).status_code == 200  # each token has its own count


def test_the_count_starts_afresh_after_the_window(client, analyst, settings, time_machine):
    settings.CALENDAR_FEED_RATE_LIMIT, settings.CALENDAR_FEED_RATE_SECONDS = 1, 600
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=KARACHI), tick=False)
    assert _feed(client, analyst).status_code == 200
    refused = _feed(client, analyst)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    time_machine.shift(datetime.timedelta(seconds=wait))
    assert _feed(client, analyst).status_code == 200


@pytest.fixture(params=["closed", "frozen"])
def rate_cache_gone(request, settings):
    """The rate limit's cache on Redis at a closed port, or at a server that never answers."""
    frozen = FrozenServer() if request.param == "frozen" else None
    url = f"redis://127.0.0.1:{frozen.port if frozen else free_port()}/0"
    settings.CACHES = {**settings.CACHES, "rate": _rate_limit_cache(url)}
    # Nothing answers there (and redis-py, imported now, is not timed below).
    with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        caches["rate"].get("anything")
    yield request.param
    if frozen:
        frozen.close()


def test_with_the_cache_gone_the_feed_answers_at_once(
    client, analyst, commitment, settings, rate_cache_gone
):
    settings.CALENDAR_FEED_RATE_LIMIT = 1
    started = time.monotonic()
    first = _feed(client, analyst)
    assert time.monotonic() - started < 1.5
    assert first.status_code == 200
    assert len(_events(first)) == 1
    started = time.monotonic()  # the cache is left alone for a while: no wait, no count
    assert _feed(client, analyst).status_code == 200
    assert time.monotonic() - started < 0.2


# Bounded work


@pytest.mark.parametrize("size", [2, 40])
def test_the_feed_takes_the_same_queries_whatever_its_size(
    client, analyst, size, django_assert_num_queries
):
    for _ in range(size):
        CommitmentFactory()
    with django_assert_num_queries(4):  # user, role and teams, deadlines, parties
        response = _feed(client, analyst)
    assert len(_events(response)) == size
    with django_assert_num_queries(4):
        assert _feed(client, analyst, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
