"""The benchmark of issue 7: every page against the framework's floor, at two sizes, in one run.

    make bench                          # everything; about 20 minutes on 2 cores
    .venv/bin/python bench/run.py --reuse --skip-digest   # keep the databases, skip the slow part

1. Two PostgreSQL databases filled by `manage.py generate_load_data` (seed 1): small
   (20 agreements) and large (2,000 agreements, 100,000 commitments, 1,000,000 pieces of
   evidence, 5,000 users). --reuse keeps them from an earlier run.
2. Each page and fragment through Django's test client, in-process, signed in as an analyst:
   the SQL query count at both sizes; median and p95 over repeated requests at the large
   size; the floor view (bench/views.py) measured the same way, right before each page, and
   every page's ratio to the floor requests made alongside it.
3. The overdue scan over all commitments against the same work as one raw SQL statement.
4. The weekly digest job for every subscribed user: total time and queries per digest.
5. Throughput: gunicorn (2 workers) and wrk (20 connections) on 127.0.0.1, overview and floor.
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
# Production-like: DEBUG off, the Redis cache of docker-compose.yml, no broker needed.
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
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
    parser.add_argument("--load-seconds", type=int, default=20)
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
            # Right after a write: every cached fragment of the page rebuilt.
            "cold_queries_small": small[page]["cold_queries"],
            "cold_queries_large": large[page]["cold_queries"],
            "cold_median_ms_large": large[page]["cold_median_ms"],
            "cold_p95_ms_large": large[page]["cold_p95_ms"],
            "cold_ratio_to_floor": round(
                large[page]["cold_median_ms"] / large[page]["cold_floor_median_ms"], 2
            ),
        }

    print("\n== Overdue scan, large database", flush=True)
    results["overdue_scan"] = measure("scan", urls["large"])
    print(results["overdue_scan"], flush=True)
    if not args.skip_digest:
        print("\n== Weekly digest, large database", flush=True)
        results["digest"] = measure("digest", urls["large"])
        print(results["digest"], flush=True)
    else:
        results["digest"] = _carried_over(args.results, "digest")
    print("\n== Throughput under load, large database", flush=True)
    results["load"] = load(urls["large"], seconds=args.load_seconds, port=args.port)
    print(results["load"], flush=True)

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
        f"PostgreSQL {postgres.split()[0]}, Redis cache, everything on 127.0.0.1"
    )


# --------------------------------------------------------------------------------------------
# Databases


def database(name: str, *, reuse: bool, options: list[str]) -> tuple[str, float | None]:
    """The URL of a database filled with load data; the seconds its generation took."""
    url = urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse and _has_data(url):
            print(f"Reusing {name}", flush=True)
            return url, None
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    environment = {**os.environ, **ENVIRONMENT, "DATABASE_URL": url}
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity=0"], env=environment, check=True)
    print(f"Generating {name}", flush=True)
    started = time.perf_counter()
    subprocess.run([*manage, "generate_load_data", *options], env=environment, check=True)
    return url, round(time.perf_counter() - started, 1)


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
# Throughput: gunicorn with two workers, wrk with twenty connections


def load(url: str, *, seconds: int, port: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    session = measure("session", url)
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
        figures = {}
        for name, path in (("overview", "/"), ("floor", session["floor_url"])):
            _check_page(base + path, session["cookie"])
            _wrk(wrk, base + path, session["cookie"], seconds=min(seconds, 3))  # warm both
            figures[name] = _wrk(wrk, base + path, session["cookie"], seconds=seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "overview_rps": figures["overview"]["rps"],
        "floor_rps": figures["floor"]["rps"],
        "ratio": round(figures["overview"]["rps"] / figures["floor"]["rps"], 2),
        "overview_latency_p50_ms": figures["overview"]["p50_ms"],
        "floor_latency_p50_ms": figures["floor"]["p50_ms"],
        "connections": 20,
        "gunicorn_workers": 2,
        "seconds": seconds,
    }


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


def _wrk(wrk: str, url: str, cookie: str, *, seconds: int) -> dict:
    output = subprocess.run(
        [
            wrk,
            "--threads=2",
            "--connections=20",
            f"--duration={seconds}s",
            "--latency",
            f"--header=Cookie: {cookie}",
            f"--script={ROOT / 'bench' / 'wrk_status.lua'}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = int(re.search(r"non-200: (\d+)", output).group(1))
    if bad:
        raise SystemExit(f"{bad} responses to {url} were not 200:\n{output}")
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(float(p50.group(1)) * scale, 1),
    }


# --------------------------------------------------------------------------------------------
# The report


def targets(results: dict) -> dict:
    pages = results["pages"]
    checked = {page: pages[page] for page in PAGES}
    scan = results["overdue_scan"]
    digest = results.get("digest") or {}
    return {
        "same_queries_at_most_15": all(
            p["queries_small"] == p["queries_large"] <= 15
            and p["cold_queries_small"] == p["cold_queries_large"] <= 15
            for p in checked.values()
        ),
        "median_at_most_4x_floor": [p for p, v in checked.items() if v["ratio_to_floor"] > 4],
        "p95_under_300ms": [p for p, v in checked.items() if v["p95_ms_large"] >= 300],
        "cold_p95_under_300ms": [p for p, v in checked.items() if v["cold_p95_ms_large"] >= 300],
        "scan_within_1_5x_raw": scan["seconds"] <= 1.5 * scan["raw_sql_seconds"],
        "digest_at_most_5_queries": bool(digest) and digest["queries_per_digest"] <= 5,
        "overview_rps_at_least_30pct_floor": results["load"]["ratio"] >= 0.3,
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
        "Warm: repeated requests, the page's fragments cached (tracker/pagecache.py). "
        "Cold: each request right after a write, every fragment rebuilt from the database. "
        "Each page's requests follow as many of the floor's; × floor divides the page's median "
        "by the median of those floor requests (the floor row: its own 40 requests).",
        "",
        "| page | queries small | queries large | median ms | p95 ms | × floor "
        "| cold: queries small / large | cold median ms | cold p95 ms | cold × floor |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| floor | {floor['queries_small']} | {floor['queries']} | {floor['median_ms']} "
        f"| {floor['p95_ms']} | 1 | | | | |",
    ]
    for name, page in results["pages"].items():
        lines.append(
            f"| {name} | {page['queries_small']} | {page['queries_large']} "
            f"| {page['median_ms_large']} | {page['p95_ms_large']} | {page['ratio_to_floor']} "
            f"| {page['cold_queries_small']} / {page['cold_queries_large']} "
            f"| {page['cold_median_ms_large']} | {page['cold_p95_ms_large']} "
            f"| {page['cold_ratio_to_floor']} |"
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
    load = results["load"]
    lines += [
        f"| throughput, gunicorn 2 workers, wrk 20 connections, {load['seconds']} s "
        f"| overview {load['overview_rps']} req/s, floor {load['floor_rps']} req/s "
        f"(× {load['ratio']}) |",
        "",
        "Targets: " + ", ".join(f"{key}: {value}" for key, value in results["targets"].items()),
    ]
    return "\n".join(lines)


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
