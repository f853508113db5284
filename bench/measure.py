"""One database's measurements, in-process; bench/run.py runs this once per size.

    python bench/measure.py pages --out FILE [--repeat N]     # every page and the floor
    python bench/measure.py calendar --out FILE [--repeat N]  # the calendar feed, seeing all
    python bench/measure.py scan --out FILE                   # overdue scan against raw SQL
    python bench/measure.py digest --out FILE                 # the weekly digest job
    python bench/measure.py plan --out FILE                   # what the load tests ask for

DATABASE_URL names the database (filled by `manage.py generate_load_data`); the other
settings come from bench/run.py's environment (production-like: DEBUG off).
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core import mail  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

# Set up as a gunicorn worker is: by importing the WSGI module (it also freezes what is
# loaded, out of the garbage collector's way, as in production).
import tracker.wsgi  # noqa: E402, F401
from tracker import digests, selectors, services  # noqa: E402
from tracker.models import (  # noqa: E402
    Agreement,
    Commitment,
    DigestDelivery,
    Role,
    Team,
    User,
)

SEED_PREFIX = "load1"
BENCH_USER = "bench-analyst"
CALENDAR_USER = "bench-calendar"
HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"}


def bench_user() -> User:
    """An analyst in the first team: sees the open agreements and that team's restricted ones."""
    user, created = User.objects.get_or_create(
        username=BENCH_USER, defaults={"email": "bench@example.org", "digest_enabled": False}
    )
    if created:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=Role.ANALYST.label))
        Team.objects.get(name=f"{SEED_PREFIX} team 1").members.add(user)
    return user


def calendar_user() -> User:
    """An admin (no digest): sees every agreement, so the feed has the most to choose from."""
    user, created = User.objects.get_or_create(
        username=CALENDAR_USER,
        defaults={"email": "calendar@example.org", "digest_enabled": False},
    )
    if created:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=Role.ADMIN.label))
    return user


def page_urls() -> dict[str, tuple[str, dict]]:
    agreement = Agreement.objects.get(slug=f"{SEED_PREFIX}-1")
    commitment = Commitment.objects.filter(agreement=agreement).order_by("sort_key").first()
    slug = agreement.slug
    return {
        "floor": (f"/bench/floor/?pk={agreement.pk}", {}),
        "overview": ("/", {}),
        "agreements_list": ("/agreements/", {}),
        "agreement": (f"/agreements/{slug}/", {}),
        "commitments_fragment": (f"/agreements/{slug}/?status=in_progress&sort=due", HTMX_TABLE),
        "commitment": (f"/commitments/{commitment.pk}/", {}),
        "overdue": ("/overdue/", {}),
        "search": ("/search/?q=border+patrols", {}),
        "api_list": ("/api/v1/commitments/", {}),
    }


def _get(client: Client, url: str, headers: dict):
    response = client.get(url, **headers)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    return response


def measure_pages(repeat: int) -> dict:
    """Each page: the SQL queries of one request, then `repeat` timed requests, every one
    built from the database (the app caches nothing between requests).

    Each page's requests come right after as many of the floor's, and the page carries the
    median of those: its ratio compares two sets of requests made within the same second or
    two, on a shared machine whose speed drifts by a third within a run. (Alternating them
    request by request made the floor slower: each floor request then paid for the
    collection of the page's garbage.)"""
    client = Client()
    client.force_login(bench_user())
    urls = page_urls()
    floor = urls["floor"]
    results = {}
    for name, (url, headers) in urls.items():
        for _ in range(3):  # warm: connections, templates, the database's buffers
            _get(client, url, headers)
        results[name] = _measure_page(client, url, headers, repeat=repeat, floor=floor)
        print(f"  {name}: {results[name]}", flush=True)
    return results


def _measure_page(client: Client, url: str, headers: dict, *, repeat: int, floor: tuple) -> dict:
    """The queries of one request; the time of `repeat` requests of the floor (after one
    untimed), then of `repeat` requests of the page."""
    _get(client, *floor)
    floor_samples = [1000 * _timed(_get, client, *floor)[0] for _ in range(repeat)]
    with CaptureQueriesContext(connection) as captured:
        _get(client, url, headers)
    queries = len(captured)  # now: the next request clears the log
    samples = [1000 * _timed(_get, client, url, headers)[0] for _ in range(repeat)]
    return _summary(samples, queries=queries) | {
        "floor_median_ms": round(statistics.median(floor_samples), 2)
    }


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    """Seconds `function` took, and what it returned."""
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def _summary(samples: list[float], *, queries: int) -> dict:
    return {
        "queries": queries,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 1),
        "requests": len(samples),
    }


# --------------------------------------------------------------------------------------------
# The calendar feed (issue 17): a fetch by a user who sees everything


def measure_calendar(repeat: int) -> dict:
    """The feed of a user who sees every agreement, fetched as a calendar app fetches it (no
    session: the token in the URL): the queries of one fetch, then `repeat` timed fetches in
    full and `repeat` answered 304 (If-None-Match). The rate limit is lifted: this measures
    the work of a fetch, not the limit."""
    user = calendar_user()
    url = f"/calendar/{user.calendar_token}.ics"
    client = Client()
    visible = selectors.commitments_visible_to(user).filter(due_on__isnull=False)
    first_day, last_day = selectors.calendar_window(timezone.localdate())
    with override_settings(CALENDAR_FEED_RATE_LIMIT=10**9):
        for _ in range(2):  # warm: connections, the database's buffers
            response = _get(client, url, {})
        with CaptureQueriesContext(connection) as captured:
            _get(client, url, {})
        queries = len(captured)  # now: the next request clears the log
        samples = [1000 * _timed(_get, client, url, {})[0] for _ in range(repeat)]
        revalidate = {"HTTP_IF_NONE_MATCH": response["ETag"]}
        not_modified = [1000 * _timed(client.get, url, **revalidate)[0] for _ in range(repeat)]
        if client.get(url, **revalidate).status_code != 304:
            raise SystemExit(f"GET {url} with its ETag did not answer 304")
    return {
        "queries": queries,
        "ms": round(statistics.median(samples), 1),
        "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 1),
        "not_modified_ms": round(statistics.median(not_modified), 1),
        "requests": repeat,
        "bytes": len(response.content),
        "events": response.content.count(b"UID:commitment-"),
        "capped": b"UID:calendar-limit@" in response.content,
        "visible_deadlines": visible.count(),
        "in_window": visible.filter(due_on__range=(first_day, last_day)).count(),
    }


# --------------------------------------------------------------------------------------------
# The overdue scan against the same work written as one SQL statement

_RAW_SCAN = """
WITH cleared AS (
    UPDATE tracker_overdueflag f
    SET cleared_at = %(now)s,
        clear_reason = CASE WHEN c.status IN ('implemented', 'abandoned') THEN 'closed'
                            ELSE 'deadline_moved' END
    FROM tracker_commitment c
    WHERE c.id = f.commitment_id AND f.cleared_at IS NULL
      AND (c.status IN ('implemented', 'abandoned') OR c.due_on IS NULL
           OR c.due_on >= %(today)s)
    RETURNING f.id
)
INSERT INTO tracker_overdueflag (commitment_id, due_on, flagged_at, cleared_at, clear_reason)
SELECT c.id, c.due_on, %(now)s, NULL, ''
FROM tracker_commitment c
WHERE c.due_on < %(today)s AND c.status NOT IN ('implemented', 'abandoned')
  AND NOT EXISTS (SELECT 1 FROM tracker_overdueflag f
                  WHERE f.commitment_id = c.id AND f.cleared_at IS NULL)
ORDER BY c.id
"""
# ORDER BY as in the app's statement, and for the same reason: without the sort, PostgreSQL
# may run the NOT EXISTS as a nested loop over the flag table's pages while the statement
# fills them (its own new rows are invisible to it, but still read), right after the table
# was emptied and analysed: many times slower (docs/benchmarks.md).


def _execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _without_figure_triggers(sql: str, params=None) -> int:
    """`sql` with the figures' triggers (migration 0015) off: the raw statement does the
    flagging alone, and keeping the overdue counts is part of the app's work."""
    with transaction.atomic():
        # A table cannot be altered while checks of foreign keys are pending (Django's are
        # deferred to the commit): here each statement makes its own.
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
        _execute("ALTER TABLE tracker_overdueflag DISABLE TRIGGER USER")
        rows = _execute(sql, params)
        _execute("ALTER TABLE tracker_overdueflag ENABLE TRIGGER USER")
        _execute("SET CONSTRAINTS ALL DEFERRED")
    return rows


def _reset_flags() -> None:
    """Back to a database that no scan has seen: no flags, no overdue counts."""
    _without_figure_triggers("DELETE FROM tracker_overdueflag")
    _execute("UPDATE tracker_agreement SET overdue_count = 0 WHERE overdue_count <> 0")
    # No dead rows left for the next run to step over (VACUUM cannot run in a transaction:
    # the test of this harness runs it in one).
    _execute(
        "ANALYZE tracker_overdueflag"
        if connection.in_atomic_block
        else "VACUUM ANALYZE tracker_overdueflag"
    )


def measure_scan(rounds: int = 3) -> dict:
    """The app's scan and the raw statement, each from no flags at all, then again with
    nothing left to do; then the figures checked against a recount."""
    today = timezone.localdate()
    full, raw, again, raw_again, flagged = [], [], [], [], set()
    for _ in range(rounds):
        for seconds, again_seconds, scan in (
            (full, again, lambda: services.overdue_scan(today=today).flagged),
            (
                raw,
                raw_again,
                lambda: _without_figure_triggers(
                    _RAW_SCAN, {"now": timezone.now(), "today": today}
                ),
            ),
        ):
            _reset_flags()
            elapsed, rows = _timed(scan)
            seconds.append(elapsed)
            flagged.add(rows)
            again_seconds.append(_timed(scan)[0])  # nothing left to do
    # Leave the database as the app would: flags and counts from the app's own scan.
    _reset_flags()
    services.overdue_scan(today=today)
    if len(flagged) != 1:
        raise SystemExit(f"The scan and the raw statement flagged different numbers: {flagged}")
    return {
        "commitments": Commitment.objects.count(),
        "flagged": flagged.pop(),
        "seconds": round(statistics.median(full), 3),
        "raw_sql_seconds": round(statistics.median(raw), 3),
        "ratio": round(statistics.median(full) / statistics.median(raw), 2),
        "nothing_to_do_seconds": round(statistics.median(again), 3),
        "raw_sql_nothing_to_do_seconds": round(statistics.median(raw_again), 3),
        "rounds": rounds,
    }


# --------------------------------------------------------------------------------------------
# The weekly digest job, as the Celery tasks run it, one user after the other


def measure_digest(workers: int = 2) -> dict:
    """Plan the week, then deliver every digest in `workers` processes (docker-compose.yml
    runs two Celery worker processes), each one user after the other as a task would."""
    now = timezone.now()
    week = digests.latest_due_week(now)
    DigestDelivery.objects.filter(week=week).delete()
    plan_seconds, user_ids = _timed(digests.deliveries_plan, week=week, now=now)
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        chunks = [(user_ids[n::workers], week) for n in range(workers)]
        total, parts = _timed(pool.starmap, _deliver, chunks)
    seconds = [value for part in parts for value in part["seconds"]]
    queries = [value for part in parts for value in part["queries"]]
    outcomes: dict[str, int] = {}
    for part in parts:
        for outcome, count in part["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    items = list(
        DigestDelivery.objects.filter(week=week, status="sent").values_list("item_count", flat=True)
    )
    return {
        "users": len(user_ids),
        "workers": workers,
        "seconds": round(plan_seconds + total, 1),
        "plan_seconds": round(plan_seconds, 2),
        "queries_per_digest": max(queries, default=0),
        "queries_per_digest_min": min(queries, default=0),
        "ms_median": round(1000 * statistics.median(seconds), 1),
        "ms_p95": round(1000 * statistics.quantiles(seconds, n=20)[-1], 1),
        "ms_max": round(1000 * max(seconds), 1),
        "outcomes": outcomes,
        "items_median": statistics.median(items) if items else 0,
        "items_max": max(items, default=0),
    }


def _deliver(user_ids: list[int], week: str) -> dict:
    """One worker process: the digests of these users, with each one's time and queries."""
    mail.outbox = []
    seconds, queries, outcomes = [], [], {}
    for user_id in user_ids:
        connection.queries_log.clear()  # it keeps 9,000 at most: past that, nothing is counted
        with CaptureQueriesContext(connection) as captured:
            elapsed, delivered = _timed(digests.digest_deliver, user_id=user_id, week=week)
        seconds.append(elapsed)
        queries.append(len(captured))
        outcome = str(delivered.outcome)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        mail.outbox.clear()
    connection.close()
    return {"seconds": seconds, "queries": queries, "outcomes": outcomes}


def load_plan() -> dict:
    """What the load tests need: a session cookie and an API token of the bench analyst, the
    floor's URL, the pages the mixed workload reads (every page, several agreements and
    commitments), and the commitments it writes to (open ones the analyst may see, each with
    its status and version, so that no write meets a conflict)."""
    user = bench_user()
    client = Client()
    client.force_login(user)
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    urls = page_urls()
    agreements = list(
        selectors.agreements_visible_to(user).order_by("pk").values_list("slug", flat=True)[:20]
    )
    visible = selectors.commitments_visible_to(user).order_by("pk")
    commitments = list(visible.values_list("pk", flat=True)[:50])
    reads = [url for page, (url, headers) in urls.items() if page != "floor" and not headers]
    reads += [f"/agreements/{slug}/" for slug in agreements]
    reads += [f"/commitments/{pk}/" for pk in commitments]
    reads += [f"/agreements/{slug}/?status=in_progress" for slug in agreements[:5]]
    writable = visible.filter(status__in=["in_progress", "stalled"]).exclude(pk__in=commitments)
    return {
        "cookie": f"{name}={client.cookies[name].value}",
        "token": services.user_reset_api_token(user=user),
        "floor_url": urls["floor"][0],
        "reads": reads,
        "writes": [
            {"id": pk, "status": status, "version": version}
            for pk, status, version in writable.values_list("pk", "status", "version")[:20000]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["pages", "calendar", "scan", "digest", "plan"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    if args.what == "pages":
        result = measure_pages(args.repeat)
    elif args.what == "calendar":
        result = measure_calendar(args.repeat)
    elif args.what == "scan":
        result = measure_scan()
    elif args.what == "digest":
        result = measure_digest()
    else:
        result = load_plan()
    connection.close()
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
