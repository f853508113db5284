"""Benchmark: the overdue scan over 1,000,000 commitments, the weekly digest for 5,000 users.

    .venv/bin/python bench/scan_digest.py                 # the figures in docs/benchmarks.md
    .venv/bin/python bench/scan_digest.py --commitments 100000 --users 500   # a quick look

It creates its own PostgreSQL database (`tracker_bench` on BENCH_ADMIN_URL's server), fills
it with set-based SQL (INSERT … SELECT generate_series, never the ORM row by row), times
the scan and the digest job through the same code the Celery tasks call, prints the figures
as Markdown, writes them to bench/results-<date>.json, and drops the database (--keep keeps
it). The data: agreements of 50 commitments each, all but two restricted to one of a
of 2,500 teams; each user is an analyst in one team, so a digest covers ten agreements
(500 commitments, about a hundred of them overdue).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "tracker_bench"
PER_AGREEMENT = 50
TEAMS = 2500
OPEN_AGREEMENTS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commitments", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    _recreate_database()
    try:
        _setup_django()
        results = run(args.commitments, args.users)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop_database()
    report(results)


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def _recreate_database() -> None:
    _admin(f"DROP DATABASE IF EXISTS {DATABASE}")
    _admin(f"CREATE DATABASE {DATABASE}")


def _drop_database() -> None:
    _admin(f"DROP DATABASE IF EXISTS {DATABASE}")


def _setup_django() -> None:
    parts = urlsplit(ADMIN_URL)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.setdefault("SITE_URL", "https://tracker.example.org")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label: str, results: dict, function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    results[label] = round(time.perf_counter() - started, 2)
    print(f"{label}: {results[label]} s", flush=True)
    return value


def run(commitments: int, users: int) -> dict:
    from django.utils import timezone

    results = {"commitments": commitments, "users": users}
    agreements = -(-commitments // PER_AGREEMENT)
    today = timezone.localdate()
    timed("load_seconds", results, populate, agreements, commitments, users, today)
    bench_scan(results, today)
    make_history(today)
    bench_digests(results)
    return results


def _execute(sql: str, params=()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def populate(agreements: int, commitments: int, users: int, today) -> None:
    """Parties, agreements (with teams), commitments, users (with team and role), in SQL."""
    from tracker.models import Role

    now = datetime.now(UTC)
    _execute(
        "INSERT INTO tracker_party (name, code, kind) VALUES "
        "('Bench A', 'BNA', 'state'), ('Bench B', 'BNB', 'state')"
    )
    _execute(
        "INSERT INTO tracker_team (name) SELECT 'Team ' || g FROM generate_series(1, %s) g",
        [TEAMS],
    )
    _execute(
        """
        INSERT INTO tracker_agreement (title, slug, signed_on, signed_on_kind, status, summary,
                                       created_at, updated_at)
        SELECT 'Agreement ' || g, 'bench-' || g, %s::date - (g %% 1200), 'signed', 'in_force',
               '', %s, %s
        FROM generate_series(1, %s) g
        """,
        [today, now, now, agreements],
    )
    _execute(
        """
        INSERT INTO tracker_milestone (agreement_id, kind, name, date, date_is_estimate, note)
        SELECT id, 'signing', 'Signing', signed_on, false, '' FROM tracker_agreement
        """
    )
    # Every agreement but the first two is restricted to one team.
    _execute(
        """
        INSERT INTO tracker_agreement_teams (agreement_id, team_id)
        SELECT a.id, t.id FROM tracker_agreement a
        JOIN tracker_team t ON t.name = 'Team ' || (1 + a.id %% %s)
        WHERE a.id > (SELECT min(id) + %s - 1 FROM tracker_agreement)
        """,
        [TEAMS, OPEN_AGREEMENTS],
    )
    # Statuses by g % 20: 30 % implemented, 5 % abandoned, the rest open; 4 % without deadline.
    # Due dates from 300 days ago to 606 days ahead: about a fifth of all are overdue.
    _execute(
        """
        INSERT INTO tracker_commitment (agreement_id, reference, sort_key, title, description,
            theme, timeline_wording, due_on, status, priority, version, created_at, updated_at)
        SELECT a.id, 'B.' || g, lpad(g::text, 8, '0'), 'Commitment ' || g, '', 'border',
               CASE WHEN g %% 25 = 0 THEN 'ongoing' ELSE 'by ' || (%s::date + d.offset) END,
               CASE WHEN g %% 25 = 0 THEN NULL ELSE %s::date + d.offset END,
               CASE WHEN g %% 20 < 6 THEN 'implemented' WHEN g %% 20 = 6 THEN 'abandoned'
                    WHEN g %% 20 < 10 THEN 'in_progress' WHEN g %% 20 = 10 THEN 'stalled'
                    WHEN g %% 20 = 11 THEN 'partial' ELSE 'not_started' END,
               'medium', 1, %s, %s
        FROM generate_series(1, %s) g
        CROSS JOIN LATERAL (SELECT (g::bigint * 7919 %% 907)::int - 300 AS offset) d
        JOIN tracker_agreement a ON a.slug = 'bench-' || (1 + (g - 1) / %s)
        """,
        [today, today, now, now, commitments, PER_AGREEMENT],
    )
    _execute(
        """
        INSERT INTO tracker_user (password, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, digest_enabled, digest_scope)
        SELECT '!', false, 'analyst' || g, '', '', 'analyst' || g || '@example.org',
               false, true, %s, true, 'all'
        FROM generate_series(1, %s) g
        """,
        [now, users],
    )
    _execute(
        """
        INSERT INTO tracker_user_groups (user_id, group_id)
        SELECT u.id, (SELECT id FROM auth_group WHERE name = %s) FROM tracker_user u
        """,
        [Role.ANALYST.label],
    )
    _execute(
        """
        INSERT INTO tracker_team_members (team_id, user_id)
        SELECT t.id, u.id FROM tracker_user u
        JOIN tracker_team t ON t.name = 'Team ' || (1 + u.id %% %s)
        """,
        [TEAMS],
    )
    _execute("ANALYZE")


def bench_scan(results: dict, today) -> None:
    from datetime import timedelta

    from tracker import services

    run = timed("scan_first_seconds", results, services.overdue_scan, today=today)
    results["scan_first_flagged"] = run.flagged
    run = timed("scan_again_seconds", results, services.overdue_scan, today=today)
    results["scan_again_changed"] = run.flagged + run.cleared
    # A day later, after a thousand commitments were implemented.
    _execute(
        """
        UPDATE tracker_commitment SET status = 'implemented'
        WHERE id IN (SELECT commitment_id FROM tracker_overdueflag
                     WHERE cleared_at IS NULL ORDER BY id LIMIT 1000)
        """
    )
    run = timed(
        "scan_next_day_seconds", results, services.overdue_scan, today=today + timedelta(days=1)
    )
    results["scan_next_day_flagged"], results["scan_next_day_cleared"] = run.flagged, run.cleared


def make_history(today) -> None:
    """Flags dated when their deadline passed, and recent implementations, so that the
    digests' "since the last digest" sections have something in them."""
    _execute(
        """
        UPDATE tracker_overdueflag
        SET flagged_at = (due_on + 1)::timestamp AT TIME ZONE 'UTC'
        """
    )
    _execute(
        """
        INSERT INTO tracker_statuschange (commitment_id, from_status, to_status, reason,
                                          changed_at)
        SELECT id, 'in_progress', 'implemented', 'bench',
               %s::timestamptz - make_interval(hours => (id %% (24 * 30))::int)
        FROM tracker_commitment WHERE status = 'implemented' AND id %% 10 = 0
        """,
        [datetime.now(UTC)],
    )
    _execute("ANALYZE")


def bench_digests(results: dict) -> None:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tracker import digests
    from tracker.models import DigestDelivery

    now = timezone.now()
    week = digests.latest_due_week(now)
    user_ids = timed("digest_plan_seconds", results, digests.deliveries_plan, week=week, now=now)
    seconds, queries, outcomes = [], [], {}
    started = time.perf_counter()
    for user_id in user_ids:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            outcome = digests.digest_deliver(user_id=user_id, week=week).outcome
            seconds.append(time.perf_counter() - began)
        queries.append(len(captured))
        outcomes[str(outcome)] = outcomes.get(str(outcome), 0) + 1
        mail.outbox.clear()
        connection.queries_log.clear()
    results["digest_job_seconds"] = round(time.perf_counter() - started, 1)
    sent = DigestDelivery.objects.filter(week=week, status="sent")
    items = list(sent.values_list("item_count", flat=True))
    results.update(
        digest_outcomes=outcomes,
        digest_ms_median=round(1000 * statistics.median(seconds), 1),
        digest_ms_p95=round(1000 * statistics.quantiles(seconds, n=20)[-1], 1),
        digest_ms_max=round(1000 * max(seconds), 1),
        digest_queries_max=max(queries),
        digest_queries_min=min(queries),
        digest_items_median=statistics.median(items) if items else 0,
        digest_items_max=max(items, default=0),
    )
    print(f"digest_job_seconds: {results['digest_job_seconds']} s", flush=True)


def report(results: dict) -> None:
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
    python = platform.python_version()
    results["machine"] = f"{os.cpu_count()} cores, {platform.machine()}, Python {python}"
    results["postgres"] = _postgres_version()
    path = ROOT / "bench" / f"results-{results['date']}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}\n")
    for key, value in results.items():
        print(f"| {key} | {value} |")


def _postgres_version() -> str:
    with psycopg.connect(ADMIN_URL) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    main()
