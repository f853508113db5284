"""No page reads or writes a cache: every page answers, and shows a write at once, with
Django's cache pointed at a Redis that is not there (any use of it would raise)."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from tracker.models import CommitmentStatus

from .conftest import populate
from .test_query_counts import _pages

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with pytest.raises(Exception, match="onnect"):  # the cache really is dead
        cache.get("anything")


def test_every_page_answers_with_the_cache_gone(analyst_client, analyst, dead_cache):
    agreement = populate(2, analyst=analyst)[0]
    commitment = agreement.commitments.order_by("pk").first()
    for name, (url, headers) in _pages(agreement, commitment).items():
        response = analyst_client.get(url, **headers)
        assert response.status_code == 200, name
    api = analyst_client.get("/api/v1/commitments/")
    assert api.status_code == 200


def test_a_write_shows_at_once_with_the_cache_gone(analyst_client, analyst, dead_cache):
    agreement = populate(1, analyst=analyst)[0]
    commitment = agreement.commitments.exclude(status=CommitmentStatus.IMPLEMENTED).first()
    before = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert "Patrols resumed at Torkham" not in before
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {
            "action": "change-status",
            "status": CommitmentStatus.IN_PROGRESS,
            "reason": "Patrols resumed at Torkham",
            "version": commitment.version,
        },
    )
    assert response.status_code == 302
    after = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert "Patrols resumed at Torkham" in after
    listing = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "In progress" in listing
    assert analyst_client.get(reverse("tracker:overview")).status_code == 200
