"""`/healthz` tells the truth: 200 and `ok` when every part answers; 200 and `degraded`, naming
the part, when the broker is gone or the scheduler stopped (pages still answer); 503 and
`down` when the database cannot be reached. Each check is bounded in time."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.models import JobName, JobRun

from .support import FrozenServer, free_port

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _scan_ran(minutes_ago: int = 1) -> None:
    started = timezone.now() - timedelta(minutes=minutes_ago)
    JobRun.objects.create(job=JobName.FLAG_OVERDUE, started_at=started, finished_at=started)


def _health(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content), time.monotonic() - started


def test_every_part_answering_is_ok(client):
    _scan_ran()
    status, body, _ = _health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert {part: body[part]["ok"] for part in ("database", "broker", "scheduler")} == {
        "database": True,
        "broker": True,
        "scheduler": True,
    }


@pytest.mark.parametrize("gone", ["closed", "frozen"])
def test_a_broker_that_is_gone_is_degraded_not_down(client, settings, gone):
    _scan_ran()
    frozen = FrozenServer() if gone == "frozen" else None
    port = frozen.port if frozen else free_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    try:
        status, body, seconds = _health(client)
    finally:
        if frozen:
            frozen.close()
    assert status == 200  # pages answer: a load balancer keeps sending them traffic
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert "unreachable" in body["broker"]["detail"]
    assert body["database"]["ok"] is True
    assert seconds < 2


def test_a_stopped_scheduler_is_degraded(client, settings):
    settings.OVERDUE_SCAN_STALE_MINUTES = 120
    _scan_ran(minutes_ago=180)
    status, body, _ = _health(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["scheduler"]["ok"] is False
    assert "the scheduler may be stopped" in body["scheduler"]["detail"]


def test_a_scan_that_never_ran_is_degraded(client):
    status, body, _ = _health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["scheduler"]["detail"] == "the overdue scan has never run"


@pytest.mark.parametrize("gone", ["closed", "frozen"])
def test_a_database_that_cannot_be_reached_is_down_with_503(gone):
    """In a process of its own whose DATABASE_URL points at nothing (or at a server that
    never answers): the answer is 503 and says which part, within a few seconds."""
    frozen = FrozenServer() if gone == "frozen" else None
    port = frozen.port if frozen else free_port()
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/tracker",
        "DATABASE_CONNECT_TIMEOUT": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        if frozen:
            frozen.close()
    assert result.returncode == 0, result.stderr[-2000:]
    code, _, body = result.stdout.strip().partition(" ")
    report = json.loads(body)
    assert code == "503"
    assert report["status"] == "down"
    assert report["database"]["ok"] is False
    assert report["scheduler"]["detail"].startswith("unknown")
    assert time.monotonic() - started < 15
