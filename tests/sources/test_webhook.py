"""A feed reader's pushed entries (Miniflux's webhook), signed with the source's secret."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models import FeedItem, Proposal, SourceFetch

from .conftest import make_source

pytestmark = pytest.mark.django_db
SECRET = "c4fdaf87900b72777cbe8e97d17b97a87d28ae078a462ef4ac5f2541fcf00ce6"


@pytest.fixture
def hooked(seed, feed_server):
    agreement, commitments = seed
    source = make_source(
        feed_server, "/unused", name="Miniflux", agreement=agreement, webhook_secret=SECRET
    )
    return source, commitments


def _post(client, source, body: bytes, *, secret: str = SECRET, event: str = "new_entries"):
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("tracker:source-webhook", args=[source.pk]),
        body,
        content_type="application/json",
        HTTP_X_MINIFLUX_SIGNATURE=signature,
        HTTP_X_MINIFLUX_EVENT_TYPE=event,
    )


def _body(*entries) -> bytes:
    return json.dumps({"event_type": "new_entries", "feed": {"id": 1}, "entries": entries}).encode()


PATROL = {
    "url": "https://news.example/patrol?utm_source=miniflux",
    "title": "First joint border patrol held near Torkham",
    "content": "<p>Troops conducted the first <b>joint border patrol</b>.</p>",
    "published_at": "2026-10-05T09:00:00Z",
}


def test_signed_entries_are_matched_and_proposed(client, hooked, feed_server):
    source, commitments = hooked
    response = _post(client, source, _body(PATROL, {"title": "no address"}))
    assert response.status_code == 200
    assert response.json() == {"fetched": 2, "new": 1, "proposed": 1, "skipped": 1}
    proposal = Proposal.objects.get()
    assert (proposal.commitment, proposal.canonical_url) == (
        commitments["2.1"],
        "https://news.example/patrol",
    )
    assert proposal.item.excerpt == "Troops conducted the first joint border patrol."
    assert SourceFetch.objects.get().source == source
    assert feed_server.requests == []  # nothing fetched in a request


def test_a_second_delivery_of_the_same_entry_proposes_nothing(client, hooked):
    source, _ = hooked
    _post(client, source, _body(PATROL))
    assert _post(client, source, _body(PATROL)).json()["proposed"] == 0
    assert Proposal.objects.count() == 1


def test_a_bad_signature_is_refused_and_changes_nothing(client, hooked):
    source, _ = hooked
    response = _post(client, source, _body(PATROL), secret="guess")
    assert response.status_code == 403
    assert not FeedItem.objects.exists()


def test_a_source_without_a_secret_has_no_webhook(client, hooked):
    source, _ = hooked
    source.webhook_secret = ""
    source.save()
    assert _post(client, source, _body(PATROL), secret="").status_code == 404


def test_other_events_are_ignored(client, hooked):
    source, _ = hooked
    response = _post(client, source, _body(PATROL), event="save_entry")
    assert (response.status_code, response.json()["proposed"]) == (200, 0)
    assert not FeedItem.objects.exists()


def test_a_get_is_not_allowed(client, hooked):
    source, _ = hooked
    assert client.get(reverse("tracker:source-webhook", args=[source.pk])).status_code == 405


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"entries": "x"}', b"\xff\xfe"])
def test_a_body_that_is_not_entries_is_a_clear_400(client, hooked, body):
    source, _ = hooked
    response = _post(client, source, body)
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not FeedItem.objects.exists()


def test_a_body_past_the_cap_is_refused(client, hooked, settings):
    source, _ = hooked
    settings.SOURCES_MAX_BYTES = 1024
    assert _post(client, source, _body(PATROL) + b" " * 2000).status_code == 413


ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(st.text(max_size=60), st.just("https://news.example/x"), st.integers()),
        "title": st.one_of(st.text(max_size=400), st.none(), st.integers()),
        "content": st.one_of(st.text(max_size=300), st.none()),
        "published_at": st.one_of(st.text(max_size=30), st.just("2026-10-05T09:00:00+05:00")),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(st.one_of(ENTRY, st.integers(), st.none()), max_size=4))
def test_any_signed_body_is_answered_without_a_server_error(client, hooked, entries):
    source, _ = hooked
    response = _post(client, source, json.dumps({"entries": entries}).encode())
    assert response.status_code == 200
    for item in FeedItem.objects.all():
        item.full_clean()
