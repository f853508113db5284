"""With the Celery broker unreachable, every page and form answers as usual: nothing in a
request waits for Redis."""

import socket
import time

import pytest
from django.urls import reverse

from tracker import digests
from tracker.celery import app
from tracker.models import Evidence, StatusChange

from .support import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(settings):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    names = ("broker_url", "broker_read_url", "broker_write_url")
    saved = {name: app.conf[name] for name in names}
    settings.CELERY_BROKER_URL = url
    app.conf.update(dict.fromkeys(names, url))
    _forget_connections()
    # Celery would publish to the closed port, and nothing answers there.
    assert app.connection_for_write().port == port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections() -> None:
    """Drop the pooled connections to the old broker, as Celery does after a fork."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def pages(agreement, overdue_commitment):
    return [
        reverse("tracker:overview"),
        reverse("tracker:agreement-list"),
        reverse("tracker:agreement-detail", args=[agreement.slug]),
        reverse("tracker:commitment-detail", args=[overdue_commitment.pk]),
        reverse("tracker:overdue"),
        reverse("tracker:search") + "?q=Commitment",
        reverse("tracker:preferences"),
    ]


@pytest.mark.usefixtures("broker_down")
def test_every_page_answers_at_once(analyst_client, pages):
    for url in pages:
        started = time.monotonic()
        response = analyst_client.get(url)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 2, url


@pytest.mark.usefixtures("broker_down")
def test_the_commitment_forms_still_save(analyst_client, overdue_commitment):
    url = reverse("tracker:commitment-detail", args=[overdue_commitment.pk])
    logged = analyst_client.post(
        url,
        {
            "action": "log-evidence",
            "summary": "Patrols seen",
            "stance": "progress",
            "reliability": "B",
            "credibility": "2",
        },
    )
    assert logged.status_code == 302
    changed = analyst_client.post(
        url,
        {
            "action": "change-status",
            "status": "in_progress",
            "reason": "Started",
            "version": overdue_commitment.version,
        },
    )
    assert changed.status_code == 302
    assert Evidence.objects.filter(commitment=overdue_commitment).count() == 1
    assert StatusChange.objects.filter(commitment=overdue_commitment).count() == 1


@pytest.mark.usefixtures("broker_down")
def test_preferences_follow_and_unsubscribe_still_answer(analyst_client, analyst, agreement):
    assert (
        analyst_client.post(reverse("tracker:preferences"), {"digest_scope": "all"}).status_code
        == 302
    )
    follow = reverse("tracker:agreement-follow", args=[agreement.slug])
    assert analyst_client.post(follow, {"follow": "1"}).status_code == 302
    unsubscribe = reverse("tracker:unsubscribe", args=[digests.unsubscribe_token(analyst)])
    assert analyst_client.post(unsubscribe).status_code == 200
