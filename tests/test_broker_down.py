"""With Redis gone, as the broker and as Django's cache, every page, form, sign-in and the API
answer as usual, each within two seconds: nothing in a request waits for Redis, but for the
calendar feed's rate-limit count, which gives up within a quarter of a second and is then
skipped for a while. Gone means two things: a closed port (refused at once) and a frozen
server (it accepts connections and never answers)."""

import time

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from tracker import digests
from tracker.celery import app
from tracker.models import Evidence, StatusChange
from tracker.settings import _rate_limit_cache

from .support import FrozenServer, free_port

pytestmark = pytest.mark.django_db

BROKER_URLS = ("broker_url", "broker_read_url", "broker_write_url")


@pytest.fixture(params=["closed", "frozen"])
def redis_gone(request, settings):
    """The broker and the cache pointed at a closed port, or at a frozen server."""
    frozen = FrozenServer() if request.param == "frozen" else None
    url = f"redis://127.0.0.1:{frozen.port if frozen else free_port()}/0"
    saved = {name: app.conf[name] for name in BROKER_URLS}
    settings.CELERY_BROKER_URL = url
    app.conf.update(dict.fromkeys(BROKER_URLS, url))
    _forget_connections()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
        "rate": _rate_limit_cache(url),
    }
    # Celery would publish there, Django would cache there, and nothing answers there.
    assert app.connection_for_write().port == int(url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        cache.get("anything")
    yield request.param
    app.conf.update(saved)
    _forget_connections()
    if frozen:
        frozen.close()


def _forget_connections() -> None:
    """Drop the pooled connections to the old broker, as Celery does after a fork."""
    app._pool = None
    app.amqp._producer_pool = None


def _quick(send) -> object:
    started = time.monotonic()
    response = send()
    assert time.monotonic() - started < 2
    return response


@pytest.fixture
def pages(agreement, overdue_commitment, analyst):
    return [
        reverse("tracker:calendar-feed", args=[analyst.calendar_token]),
        reverse("tracker:overview"),
        reverse("tracker:agreement-list"),
        reverse("tracker:agreement-detail", args=[agreement.slug]),
        reverse("tracker:commitment-detail", args=[overdue_commitment.pk]),
        reverse("tracker:overdue"),
        reverse("tracker:search") + "?q=Commitment",
        reverse("tracker:preferences"),
        reverse("tracker:calendar-settings"),
        "/api/v1/commitments/",
        "/api/v1/agreements/",
    ]


@pytest.mark.usefixtures("redis_gone")
def test_every_page_answers_at_once(analyst_client, pages):
    for url in pages:
        response = _quick(lambda url=url: analyst_client.get(url))
        assert response.status_code == 200, url


@pytest.mark.usefixtures("redis_gone")
def test_sign_in_works(client, analyst):
    analyst.set_password("correct horse battery")
    analyst.save()
    response = _quick(
        lambda: client.post(
            reverse("login"), {"username": "analyst", "password": "correct horse battery"}
        )
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(analyst.pk)
    assert _quick(lambda: client.get(reverse("tracker:overview"))).status_code == 200


@pytest.mark.usefixtures("redis_gone")
def test_the_commitment_forms_still_save(analyst_client, overdue_commitment):
    url = reverse("tracker:commitment-detail", args=[overdue_commitment.pk])
    logged = _quick(
        lambda: analyst_client.post(
            url,
            {
                "action": "log-evidence",
                "summary": "Patrols seen",
                "stance": "progress",
                "reliability": "B",
                "credibility": "2",
            },
        )
    )
    assert logged.status_code == 302
    changed = _quick(
        lambda: analyst_client.post(
            url,
            {
                "action": "change-status",
                "status": "in_progress",
                "reason": "Started",
                "version": overdue_commitment.version,
            },
        )
    )
    assert changed.status_code == 302
    assert Evidence.objects.filter(commitment=overdue_commitment).count() == 1
    assert StatusChange.objects.filter(commitment=overdue_commitment).count() == 1


@pytest.mark.usefixtures("redis_gone")
def test_the_api_reads_and_writes(analyst_client, overdue_commitment):
    url = f"/api/v1/commitments/{overdue_commitment.pk}/"
    assert _quick(lambda: analyst_client.get(url)).status_code == 200
    logged = _quick(
        lambda: analyst_client.post(
            url + "evidence/",
            {"summary": "Seen", "stance": "progress", "reliability": "B", "credibility": "2"},
            content_type="application/json",
        )
    )
    assert logged.status_code == 201


@pytest.mark.usefixtures("redis_gone")
def test_preferences_follow_and_unsubscribe_still_answer(analyst_client, analyst, agreement):
    assert (
        analyst_client.post(reverse("tracker:preferences"), {"digest_scope": "all"}).status_code
        == 302
    )
    follow = reverse("tracker:agreement-follow", args=[agreement.slug])
    assert analyst_client.post(follow, {"follow": "1"}).status_code == 302
    unsubscribe = reverse("tracker:unsubscribe", args=[digests.unsubscribe_token(analyst)])
    assert analyst_client.post(unsubscribe).status_code == 200
