"""`make bench`: every page against the framework's floor, at two sizes, in one run.

    make bench                          # everything; about 20 minutes on 2 cores
    .venv/bin/python bench/run.py --reuse --skip-digest   # keep the databases, skip the slow part

1. Two PostgreSQL databases filled by `manage.py generate_load_data` (seed 1): small
   (20 agreements) and large (2,000 agreements, 100,000 commitments, 1,000,000 pieces of
   evidence, 5,000 users). --reuse keeps them from an earlier run.
2. Each page and fragment through Django's test client, in-process, signed in as an analyst:
   the SQL query count at both sizes; median and p95 over repeated requests at the large
   size, every request built from the database (the app caches nothing); the floor view
   (bench/views.py) measured the same way, right before each page, and every page's ratio
   to the floor requests made alongside it.
   Then the calendar feed of a user who sees every agreement, in full and answered 304.
3. The overdue scan over all commitments against the same work as one raw SQL statement.
4. The weekly digest job for every subscribed user: total time and queries per digest.
5. Under load: gunicorn (2 workers) and wrk (20 connections) on 127.0.0.1: the floor, then a
   mixed workload (90 % reads over every page, 10 % writes through the API: evidence logged
   and statuses changed) while overdue scans run; then the kept figures against a recount.
6. The overdue scan over 1,000,000 commitments (20,000 agreements), in a third database.

It writes bench/results.json and the generated part of docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "bench" / "results.json"
PORT = 8765
PAGES = (
    "overview",
    "agreements_list",
    "agreement",
    "commitments_fragment",
    "commitment",
    "overdue",
    "search",
    "api_list",
)
# Production-like: DEBUG off, no broker needed.
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "CELERY_BROKER_URL": "memory://",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "SITE_URL": "https://tracker.example.org",
    "PYTHONWARNINGS": "ignore",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep databases that exist")
    parser.add_argument("--agreements", type=int, default=2000)
    parser.add_argument("--small-agreements", type=int, default=20)
    parser.add_argument("--commitments-per-agreement", type=int, default=50)
    parser.add_argument("--evidence-per-commitment", type=int, default=10)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per page")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--database-prefix", default="tracker_bench")
    parser.add_argument("--port", type=int, default=PORT, help="gunicorn's, for the load test")
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    parser.add_argument(
        "--million",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also the overdue scan over 1,000,000 commitments, in a third database",
    )
    parser.add_argument(
        "--million-only",
        action="store_true",
        help="only that scan, added to the results of an earlier run",
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="a few rows, a few requests, one second of load: the harness's own test",
    )
    args = parser.parse_args()
    if args.tiny:
        args.agreements, args.small_agreements, args.users = 5, 3, 6
        args.commitments_per_agreement, args.evidence_per_commitment = 4, 2
        args.repeat, args.load_seconds, args.no_doc = 3, 1, True
        args.million = False
    if args.million_only:
        results = json.loads(args.results.read_text())
        results["overdue_scan_million"] = scan_million(args)
        finish(results, args)
        return

    results: dict = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": machine()}
    options = " ".join(sys.argv[1:])
    results["command"] = f"make bench BENCH_ARGS='{options}'" if options else "make bench"
    sizes = {
        "small": (args.small_agreements, min(args.users, 50)),
        "large": (args.agreements, args.users),
    }
    urls, generated = {}, {}
    for name, (agreements, users) in sizes.items():
        urls[name], generated[name] = database(
            f"{args.database_prefix}_{name}",
            reuse=args.reuse,
            options=[
                f"--agreements={agreements}",
                f"--commitments-per-agreement={args.commitments_per_agreement}",
                f"--evidence-per-commitment={args.evidence_per_commitment}",
                f"--users={users}",
            ],
        )
    results["data"] = {
        "large": {
            "agreements": args.agreements,
            "commitments": args.agreements * args.commitments_per_agreement,
            "evidence": args.agreements
            * args.commitments_per_agreement
            * args.evidence_per_commitment,
            "users": args.users,
            "generate_seconds": generated["large"],
        },
        "small": {"agreements": args.small_agreements},
    }

    print("\n== Pages, small database", flush=True)
    small = measure("pages", urls["small"], "--repeat", str(min(args.repeat, 5)))
    print("\n== Pages, large database", flush=True)
    large = measure("pages", urls["large"], "--repeat", str(args.repeat))
    results["floor"] = large["floor"] | {"queries_small": small["floor"]["queries"]}
    results["pages"] = {}
    for page in PAGES:
        results["pages"][page] = {
            "queries_small": small[page]["queries"],
            "queries_large": large[page]["queries"],
            "median_ms_large": large[page]["median_ms"],
            "p95_ms_large": large[page]["p95_ms"],
            # Against the floor's requests made right before the page's (measure.py).
            "ratio_to_floor": round(large[page]["median_ms"] / large[page]["floor_median_ms"], 2),
            "median_ms_small": small[page]["median_ms"],
        }

    print("\n== Calendar feed, large database", flush=True)
    results["calendar"] = measure("calendar", urls["large"], "--repeat", str(min(args.repeat, 20)))
    print(results["calendar"], flush=True)

    print("\n== Overdue scan, large database", flush=True)
    results["overdue_scan"] = measure("scan", urls["large"])
    print(results["overdue_scan"], flush=True)
    if not args.skip_digest:
        print("\n== Weekly digest, large database", flush=True)
        results["digest"] = measure("digest", urls["large"])
        print(results["digest"], flush=True)
    else:
        results["digest"] = _carried_over(args.results, "digest")
    print("\n== Under load, large database", flush=True)
    results["load"], results["mixed"] = load(
        urls["large"], seconds=args.load_seconds, port=args.port
    )
    print(results["load"], results["mixed"], flush=True)

    if args.million:
        results["overdue_scan_million"] = scan_million(args)
    elif figure := _carried_over(args.results, "overdue_scan_million"):
        results["overdue_scan_million"] = figure
    finish(results, args)


def _carried_over(path: Path, name: str) -> dict:
    """A figure this run skipped, from the previous results, marked with its run's date."""
    if not path.exists():
        return {}
    previous = json.loads(path.read_text())
    figure = previous.get(name) or {}
    return figure and {**figure, "measured_on": figure.get("measured_on", previous["date"])}


def scan_million(args) -> dict:
    """Issue 4's figure: the scan over a million commitments (20,000 agreements of 50, no
    evidence), against the raw statement, in a database of its own."""
    print("\n== Overdue scan, 1,000,000 commitments", flush=True)
    url, generated = database(
        f"{args.database_prefix}_million",
        reuse=args.reuse,
        options=[
            "--agreements=20000",
            "--commitments-per-agreement=50",
            "--evidence-per-commitment=0",
            "--users=100",
        ],
    )
    scan = measure("scan", url) | {"generate_seconds": generated}
    print(scan, flush=True)
    return scan


def finish(results: dict, args) -> None:
    results["targets"] = targets(results)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {args.results}")
    table = markdown(results)
    print(table)
    if not args.no_doc:
        write_doc(table)
    if args.drop:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            for name in ("small", "large", "million"):
                admin.execute(f"DROP DATABASE IF EXISTS {args.database_prefix}_{name} WITH (FORCE)")


def machine() -> str:
    with psycopg.connect(ADMIN_URL) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres.split()[0]}, everything on 127.0.0.1"
    )


# --------------------------------------------------------------------------------------------
# Databases


def database(name: str, *, reuse: bool, options: list[str]) -> tuple[str, float | None]:
    """The URL of a database filled with load data; the seconds its generation took."""
    url = urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        reused = exists and reuse and _has_data(url)
        if not reused:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    environment = {**os.environ, **ENVIRONMENT, "DATABASE_URL": url}
    manage = [PYTHON, str(ROOT / "manage.py")]
    # A reused database is brought up to the code's migrations too.
    subprocess.run([*manage, "migrate", "--verbosity=0"], env=environment, check=True)
    if reused:
        print(f"Reusing {name}", flush=True)
        _vacuum(url)
        return url, None
    print(f"Generating {name}", flush=True)
    started = time.perf_counter()
    subprocess.run([*manage, "generate_load_data", *options], env=environment, check=True)
    seconds = round(time.perf_counter() - started, 1)
    _vacuum(url)
    return url, seconds


def _vacuum(url: str) -> None:
    """What autovacuum does for a live database, done before measuring: a PostgreSQL run with
    autovacuum off (as this machine's is) keeps every dead row of earlier runs' writes, and
    each status change leaves one of its agreement's (the kept figures), so a reused
    database's agreement table grew to forty times its live rows and every scan of it
    slowed with each run."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def _has_data(url: str) -> bool:
    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT count(*) FROM tracker_agreement WHERE slug LIKE 'load1-%'"
            ).fetchone()
    except psycopg.Error:
        return False
    return row[0] > 0


def measure(what: str, url: str, *extra: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "measure.py"), what, "--out", out.name, *extra],
            env={**os.environ, **ENVIRONMENT, "DATABASE_URL": url},
            check=True,
        )
        return json.loads(Path(out.name).read_text())


# --------------------------------------------------------------------------------------------
# Under load: gunicorn with two workers, wrk with twenty connections

MIXED_SCRIPT = ROOT / "bench" / "wrk_mixed.lua"
STATUS_SCRIPT = ROOT / "bench" / "wrk_status.lua"


def load(url: str, *, seconds: int, port: int) -> tuple[dict, dict]:
    """The floor alone; the mixed workload; the mixed workload again with overdue scans
    running alongside, then the figures against a recount (`refresh_figures --check`)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    plan = measure("plan", url)
    environment = {**os.environ, **ENVIRONMENT, "DATABASE_URL": url}
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "tracker.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        env=environment,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(base)
        for path in [plan["floor_url"], *plan["reads"]]:
            _check_page(base + path, plan["cookie"])
        floor_url = base + plan["floor_url"]
        _wrk(wrk, floor_url, plan["cookie"], seconds=min(seconds, 3))  # warm the workers
        floor = _wrk(wrk, floor_url, plan["cookie"], seconds=seconds)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as plan_file:
            json.dump(plan, plan_file)
            plan_file.flush()
            mixed_load = {"script": MIXED_SCRIPT, "arguments": [plan_file.name]}
            mixed = _wrk(wrk, base + "/", plan["cookie"], seconds=seconds, **mixed_load)
            # Then the same load with overdue scans running alongside: the figures they and
            # the writes move must still equal a recount afterwards.
            scan_seconds = max(seconds // 2, 1)
            scans = subprocess.Popen(
                [PYTHON, str(ROOT / "bench" / "scans.py"), str(scan_seconds)],
                env=environment,
                cwd=ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            _wrk(wrk, base + "/", plan["cookie"], seconds=scan_seconds, **mixed_load)
            scans_failed = scans.wait(timeout=scan_seconds + 300)
            scans_run = int(re.search(r"(\d+) scans", scans.stderr.read()).group(1))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    check = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "refresh_figures", "--check"],
        env=environment,
        capture_output=True,
        text=True,
    )
    return (
        {
            "floor_rps": floor["rps"],
            "floor_latency_p50_ms": floor["p50_ms"],
            "connections": 20,
            "gunicorn_workers": 2,
            "seconds": seconds,
        },
        {
            "rps": mixed["rps"],
            "floor_rps": floor["rps"],
            "errors": mixed["errors"],
            "p95_ms": mixed["p95_ms"],
            "p50_ms": mixed["p50_ms"],
            "reads": len(plan["reads"]),
            "writes_share": 0.1,
            "scans_during_writes": scans_run,
            "scans_failed": scans_failed,
            "figures_agree": check.returncode == 0,
            "figures_check": check.stdout.strip().splitlines()[-1:] or check.stderr[-300:],
        },
    )


def _wait_for_server(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _check_page(url: str, cookie: str) -> None:
    """The load test must measure the page, not a redirect to the sign-in form."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        response = urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code} under gunicorn") from None
    if response.status != 200:
        raise SystemExit(f"{url} answered {response.status} under gunicorn")


def _wrk(
    wrk: str,
    url: str,
    cookie: str,
    *,
    seconds: int,
    script: Path = STATUS_SCRIPT,
    arguments: list[str] = (),
) -> dict:
    """Requests per second, the median and 95th percentile latency, and the answers that
    were not what the request asked for (the scripts count them)."""
    output = subprocess.run(
        [
            wrk,
            "--threads=2",
            "--connections=20",
            f"--duration={seconds}s",
            "--latency",
            f"--header=Cookie: {cookie}",
            f"--script={script}",
            url,
            *(["--", *arguments] if arguments else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = int(re.search(r"errors: (\d+)", output).group(1))
    if errors and script == STATUS_SCRIPT:
        raise SystemExit(f"{errors} responses to {url} were not 200:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _latency(output, "50%"),
        "p95_ms": round(float(re.search(r"p95_us: ([\d.]+)", output).group(1)) / 1000, 1),
        "errors": errors,
    }


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]
    return round(float(match.group(1)) * scale, 1)


# --------------------------------------------------------------------------------------------
# The report


def targets(results: dict) -> dict:
    """Each target of issue 15: true when met, or the pages that miss it."""
    pages = {page: results["pages"][page] for page in PAGES}
    scan, million = results["overdue_scan"], results.get("overdue_scan_million") or {}
    digest, mixed = results.get("digest") or {}, results["mixed"]
    calendar = results["calendar"]

    def ratio_limit(page: str) -> float:
        return 20 if page == "search" else 10

    return {
        "same_queries_at_most_15": [
            page
            for page, figures in pages.items()
            if not figures["queries_small"] == figures["queries_large"] <= 15
        ]
        or True,
        "median_at_most_10x_floor_search_20x": [
            page for page, figures in pages.items() if figures["ratio_to_floor"] > ratio_limit(page)
        ]
        or True,
        "p95_under_100ms": [
            page for page, figures in pages.items() if figures["p95_ms_large"] >= 100
        ]
        or True,
        "mixed_no_error": mixed["errors"] == 0,
        "mixed_p95_under_150ms": mixed["p95_ms"] < 150,
        "mixed_rps_at_least_20pct_floor": mixed["rps"] >= 0.2 * mixed["floor_rps"],
        "scan_within_1_5x_raw": scan["seconds"] <= 1.5 * scan["raw_sql_seconds"],
        "scan_million_within_1_5x_raw": bool(million)
        and million["seconds"] <= 1.5 * million["raw_sql_seconds"],
        "no_drift_after_scans_during_writes": mixed["figures_agree"] and mixed["scans_failed"] == 0,
        "digest_at_most_5_queries": bool(digest) and digest["queries_per_digest"] <= 5,
        "calendar_under_1s_and_2mb": calendar["ms"] < 1000 and calendar["bytes"] < 2_000_000,
    }


def markdown(results: dict) -> str:
    data = results["data"]["large"]
    floor = results["floor"]
    lines = [
        f"Run on {results['date']}: {results['machine']}. Command: `{results['command']}`.",
        "",
        f"Large size: {data['agreements']:,} agreements, {data['commitments']:,} commitments, "
        f"{data['evidence']:,} pieces of evidence, {data['users']:,} users"
        + (
            f" (generated in {data['generate_seconds']} s)."
            if data.get("generate_seconds")
            else "."
        )
        + f" Small size: {results['data']['small']['agreements']} agreements of the same shape.",
        "",
        "Every request is built from the database: the app caches nothing between requests. "
        "Each page's requests follow as many of the floor's; × floor divides the page's median "
        "by the median of those floor requests (the floor row: its own requests).",
        "",
        "| page | queries small | queries large | median ms | p95 ms | × floor |",
        "|---|---|---|---|---|---|",
        f"| floor | {floor['queries_small']} | {floor['queries']} | {floor['median_ms']} "
        f"| {floor['p95_ms']} | 1 |",
    ]
    for name, page in results["pages"].items():
        lines.append(
            f"| {name} | {page['queries_small']} | {page['queries_large']} "
            f"| {page['median_ms_large']} | {page['p95_ms_large']} | {page['ratio_to_floor']} |"
        )
    scan = results["overdue_scan"]
    lines += [
        "",
        "| job | figure |",
        "|---|---|",
        f"| overdue scan, {scan['commitments']:,} commitments, {scan['flagged']:,} flagged "
        f"| {scan['seconds']} s (raw SQL: {scan['raw_sql_seconds']} s, × {scan['ratio']}) |",
        f"| overdue scan again, nothing to change | {scan['nothing_to_do_seconds']} s "
        f"(raw SQL: {scan['raw_sql_nothing_to_do_seconds']} s) |",
    ]
    calendar = results["calendar"]
    lines.append(
        f"| calendar feed of a user who sees every agreement ({calendar['in_window']:,} "
        f"deadlines in its window) | {calendar['events']:,} events"
        f"{' (the limit)' if calendar['capped'] else ''}, {calendar['bytes']:,} bytes, "
        f"{calendar['queries']} queries, median {calendar['ms']} ms, p95 "
        f"{calendar['p95_ms']} ms; 304 to a repeat: {calendar['not_modified_ms']} ms |"
    )
    million = results.get("overdue_scan_million")
    if million:
        lines += [
            f"| overdue scan, {million['commitments']:,} commitments (20,000 agreements), "
            f"{million['flagged']:,} flagged | {million['seconds']} s (raw SQL: "
            f"{million['raw_sql_seconds']} s, × {million['ratio']}); nothing to change: "
            f"{million['nothing_to_do_seconds']} s{_when(million)} |",
        ]
    digest = results.get("digest")
    if digest:
        lines += [
            f"| weekly digest, {digest['users']:,} users | {digest['seconds']} s in all, "
            f"{digest['queries_per_digest']} queries per digest (min "
            f"{digest['queries_per_digest_min']}), median {digest['ms_median']} ms, "
            f"p95 {digest['ms_p95']} ms, max {digest['ms_max']} ms; {digest['outcomes']}"
            f"{_when(digest)} |",
        ]
    load, mixed = results["load"], results["mixed"]
    lines += [
        f"| floor under load, gunicorn 2 workers, wrk 20 connections, {load['seconds']} s "
        f"| {load['floor_rps']} req/s, median {load['floor_latency_p50_ms']} ms |",
        f"| mixed workload ({mixed['reads']} pages read, {round(100 * mixed['writes_share'])} % "
        f"writes through the API), same set-up "
        f"| {mixed['rps']} req/s (× {round(mixed['rps'] / mixed['floor_rps'], 2)} of the "
        f"floor), median {mixed['p50_ms']} ms, p95 {mixed['p95_ms']} ms, {mixed['errors']} "
        f"errors |",
        f"| the same with overdue scans alongside | {mixed['scans_during_writes']} scans, "
        f"{mixed['scans_failed']} failed; the figures afterwards: {_agree(mixed)} |",
        "",
        "Targets: " + ", ".join(f"{key}: {value}" for key, value in results["targets"].items()),
    ]
    return "\n".join(lines)


def _agree(mixed: dict) -> str:
    return "equal to a recount" if mixed["figures_agree"] else "DRIFTED from a recount"


def _when(figure: dict) -> str:
    """For a figure carried over from an earlier run (--skip-digest, --no-million)."""
    return f" (measured on {figure['measured_on']})" if "measured_on" in figure else ""


def write_doc(table: str) -> None:
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = DOC.read_text()
    if start in text:
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
    else:
        before, after = text + "\n", ""
    DOC.write_text(f"{before}{start}\n{table}\n{end}{after}")
    print(f"Updated {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
