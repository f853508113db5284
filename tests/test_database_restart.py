"""A database restart while the site is idle costs a reconnection, not a 500: a connection
kept between requests is checked before it is used again (CONN_HEALTH_CHECKS). Shown with a
real gunicorn (the test client leaves Django's per-request connection handling out)."""

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tracker import services

from .support import free_port, own_database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parent.parent


def _terminate_the_apps_connections() -> int:
    """What a PostgreSQL restart does to the app's open connections, from outside it."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'tracker-restart-test'",
            [settings["NAME"]],
        ).fetchall()
    return len(rows)


@pytest.fixture
def server():
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"{own_database_url()}?application_name=tracker-restart-test",
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi:application",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
        except OSError:
            return False
        return True

    wait_for(answers, timeout=30, what="gunicorn")
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_first_request_after_a_restart_answers(server, analyst, agreement):
    token = services.user_reset_api_token(user=analyst)
    url = f"{server}/api/v1/agreements/{agreement.slug}/"
    assert _get(url, token) == 200  # the worker keeps this connection for the next request
    assert _terminate_the_apps_connections() == 1
    assert _get(url, token) == 200
    assert _get(url, token) == 200
