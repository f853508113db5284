"""Before any test: PostgreSQL and Redis must answer, or the run stops saying which is down."""

import os
import socket
from urllib.parse import urlparse

import pytest

START_HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def _answers(url: str, default_port: int) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return host, port, True
    except OSError:
        return host, port, False


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # xdist workers: the controller already checked
    checks = [
        ("PostgreSQL", os.environ.get("DATABASE_URL", ""), 5432),
        ("Redis", os.environ.get("CELERY_BROKER_URL", ""), 6379),
    ]
    down = []
    for name, url, port in checks:
        if not url.startswith(("postgres", "redis")):
            down.append(f"{name}: the suite needs it, but the URL is {url!r}")
            continue
        host, port, ok = _answers(url, port)
        if not ok:
            down.append(
                f"{name} does not answer on {host}:{port}. Start it with: {START_HINTS[name]}"
            )
    if down:
        pytest.exit("\n".join(down), returncode=3)
