"""A member's private Atom feed of the agreements they follow (issue 22): at the calendar's
secret address, what they follow and may see, by name, valid Atom, 304 and a rate limit."""

import feedparser
import pytest
from django.urls import reverse

from tracker import services

from ..factories import AgreementFactory, CommitmentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _feed(client, user, **headers):
    return client.get(reverse("tracker:followed-feed", args=[user.calendar_token]), **headers)


def _changed(agreement, title: str, by) -> None:
    commitment = CommitmentFactory(agreement=agreement, title=title)
    services.commitment_set_status(
        commitment=commitment, status="stalled", reason="Talks off", by=by
    )


@pytest.fixture
def followed(analyst):
    agreement = AgreementFactory(title="Followed accord")
    _changed(agreement, "Followed commitment", analyst)
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    return agreement


def test_it_holds_what_the_user_follows_by_name_as_valid_atom(client, analyst, followed):
    _changed(AgreementFactory(title="Unfollowed accord"), "Unfollowed commitment", analyst)
    response = _feed(client, analyst)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert len(feed.entries) == 1
    assert feed.entries[0].title.endswith("Followed commitment: Not started → Stalled")
    assert feed.entries[0].author == "analyst"
    commitment = followed.commitments.get()
    assert feed.entries[0].link.endswith(f"/commitments/{commitment.pk}/#history")


def test_a_followed_agreement_restricted_away_from_the_user_leaves_it(client, analyst, followed):
    services.agreement_save(
        agreement=followed, parties=followed.parties.all(), teams=[TeamFactory()]
    )
    feed = feedparser.parse(_feed(client, analyst).content)
    assert feed.entries == []


def test_it_is_private_revalidated_and_unknown_tokens_are_404(client, analyst, followed):
    first = _feed(client, analyst)
    assert first["Cache-Control"] == "private, max-age=900"
    assert first["X-Robots-Tag"] == "noindex, nofollow"
    assert _feed(client, analyst, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/feed/not-a-token.atom").status_code == 404


def test_past_the_limit_the_feed_answers_429(client, analyst, followed, settings):
    settings.CALENDAR_FEED_RATE_LIMIT, settings.CALENDAR_FEED_RATE_SECONDS = 1, 600
    assert _feed(client, analyst).status_code == 200
    refused = _feed(client, analyst)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_the_calendar_page_shows_the_feeds_address(analyst_client, analyst):
    page = analyst_client.get(reverse("tracker:calendar-settings")).content.decode()
    assert f"/feed/{analyst.calendar_token}.atom" in page
