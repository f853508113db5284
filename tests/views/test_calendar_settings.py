"""/account/calendar/: the user's feed URL, and resetting it."""

import datetime

import pytest
from django.urls import reverse

from ..factories import CommitmentFactory

pytestmark = pytest.mark.django_db

URL = reverse("tracker:calendar-settings")


def test_it_shows_the_users_own_feed_url(analyst_client, analyst):
    page = analyst_client.get(URL).content.decode()
    feed = "http://testserver" + reverse("tracker:calendar-feed", args=[analyst.calendar_token])
    assert f'value="{feed}"' in page
    assert "webcal://testserver/calendar/" in page


def test_reset_gives_a_new_url_and_the_old_one_stops_working(analyst_client, analyst, client):
    old = analyst.calendar_token
    response = analyst_client.post(URL, {"action": "reset"})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.calendar_token != old
    assert analyst_client.get(reverse("tracker:calendar-feed", args=[old])).status_code == 404
    new = reverse("tracker:calendar-feed", args=[analyst.calendar_token])
    assert analyst_client.get(new).status_code == 200


def test_it_needs_a_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"action": "reset"}).status_code == 302


def test_the_nav_links_to_it(analyst_client):
    assert f'href="{URL}"' in analyst_client.get(reverse("tracker:overview")).content.decode()


@pytest.fixture
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.mark.usefixtures("_today")
def test_it_tells_the_window_and_the_limits(analyst_client):
    page = analyst_client.get(URL).content.decode()
    assert "due from 15 December 2025 to 14 March 2028" in page
    assert "at most 2,000, the nearest to today" in page
    assert "fetched 30 times in 10 minutes" in page
    assert 'id="calendar-limit"' not in page


@pytest.mark.usefixtures("_today")
def test_it_says_when_the_feed_is_cut(analyst_client, agreement, settings):
    settings.CALENDAR_FEED_MAX_EVENTS = 1
    CommitmentFactory(agreement=agreement)
    assert 'id="calendar-limit"' not in analyst_client.get(URL).content.decode()
    CommitmentFactory(agreement=agreement)
    page = analyst_client.get(URL).content.decode()
    assert 'id="calendar-limit"' in page
    assert "your calendar has the 1 nearest to today" in page
