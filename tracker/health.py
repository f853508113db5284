"""What `/healthz` reports: the database, the broker and the scheduler, each on its own, and
the watched sources' latest run (informational: it never changes the status).

The database is the one part without which no page answers: when it cannot be reached the
whole is `down`. The broker (Redis in production) and the scheduler only run the jobs: pages
keep answering without them, so the whole is `degraded`, and a load balancer should keep
sending traffic. Each check is bounded in time, so a frozen part (accepting connections,
never answering) cannot hold a load balancer's probe.
"""

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

# Seconds a check may take before its part counts as unreachable.
CHECK_TIMEOUT = 1.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    ms: float


@dataclass(frozen=True)
class Health:
    database: Check
    broker: Check
    scheduler: Check
    sources: Check

    @property
    def status(self) -> str:
        """`ok`, `degraded` (the jobs are held up, pages answer) or `down` (no database)."""
        if not self.database.ok:
            return "down"
        return "ok" if self.broker.ok and self.scheduler.ok else "degraded"

    def as_dict(self) -> dict:
        return {"status": self.status} | {
            name: asdict(check)
            for name, check in (
                ("database", self.database),
                ("broker", self.broker),
                ("scheduler", self.scheduler),
                ("sources", self.sources),
            )
        }


def _timed(check) -> Check:
    started = time.monotonic()
    ok, detail = check()
    return Check(ok=ok, detail=detail, ms=round(1000 * (time.monotonic() - started), 1))


def _database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        connection.close()  # a broken connection is not kept for the next request
        return False, f"unreachable: {type(error).__name__}: {error}".strip()
    return True, "reachable"


def _broker() -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    try:
        if scheme in ("redis", "rediss"):
            import redis

            client = redis.Redis.from_url(
                url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()
        elif url == "filesystem://":
            folders = settings.CELERY_BROKER_TRANSPORT_OPTIONS
            for key in ("data_folder_in", "data_folder_out", "control_folder"):
                if not Path(folders[key]).is_dir():
                    return False, f"the broker's folder {folders[key]} is missing"
        elif scheme != "memory":
            from .celery import app

            with app.connection_for_write() as broker:
                broker.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT)
    except Exception as error:  # any failure to reach it is the answer
        return False, f"unreachable: {type(error).__name__}: {error}".strip()
    return True, "reachable"


def _scheduler(database_ok: bool) -> tuple[bool, str]:
    """Fresh when the overdue scan, which beat runs every 15 minutes, ran lately."""
    if not database_ok:
        return False, "unknown: the database cannot be reached"
    from .models import JobName, JobRun

    try:
        last = (
            JobRun.objects.filter(job=JobName.FLAG_OVERDUE)
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        return False, f"unknown: {type(error).__name__}"
    if last is None:
        return False, "the overdue scan has never run"
    stale_after = timedelta(minutes=settings.OVERDUE_SCAN_STALE_MINUTES)
    age = timezone.now() - last
    when = _iso(last)
    if age > stale_after:
        return False, f"the overdue scan last ran at {when}: the scheduler may be stopped"
    return True, f"the overdue scan last ran at {when}"


def _sources(database_ok: bool) -> tuple[bool, str]:
    """The watcher's latest run and the sources that failed in it. Informational: a feed that
    fails is the feed's trouble, not the app's, so it never changes the status."""
    if not database_ok:
        return False, "unknown: the database cannot be reached"
    from .models import WatchRun

    try:
        run = WatchRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    except DatabaseError as error:
        return False, f"unknown: {type(error).__name__}"
    if run is None:
        return True, "no watch run yet"
    # Counts only: /healthz answers anyone, and a source's name may tell what is watched.
    detail = (
        f"last watch run at {_iso(run.started_at)}: {run.sources} sources, fetched "
        f"{run.fetched}, new {run.new}, proposed {run.proposed}, skipped {run.skipped}, "
        f"failed {run.failed}"
    )
    if run.failed:
        return False, f"{detail} (which, and why: the admin's source fetches)"
    return True, detail


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def health() -> Health:
    database = _timed(_database)
    return Health(
        database=database,
        broker=_timed(_broker),
        scheduler=_timed(lambda: _scheduler(database.ok)),
        sources=_timed(lambda: _sources(database.ok)),
    )
