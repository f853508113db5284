"""bench/public_pages.py (issue 22) at a few rows, so that it cannot rot: on its own
database, filled by generate_load_data as `make bench` fills its own. The figures mean
nothing at this size; docs/benchmarks.md has them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench_database(worker_id):
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"tracker_public_pages_test_{worker_id}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _manage(url: str, *words: str) -> None:
    from bench.run import ENVIRONMENT

    env = {**os.environ, **ENVIRONMENT, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", *words], cwd=ROOT, env=env, check=True, timeout=300
    )


def test_the_public_pages_bench_runs_and_reports_every_page(bench_database):
    _manage(bench_database, "migrate", "--verbosity=0")
    _manage(
        bench_database,
        "generate_load_data",
        "--agreements=4",
        "--commitments-per-agreement=3",
        "--evidence-per-commitment=2",
        "--users=6",
    )
    run = subprocess.run(
        [sys.executable, "bench/public_pages.py", bench_database, "--repeat=3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout)
    assert figures["public_agreements"] >= 1
    pages = {name: value for name, value in figures.items() if isinstance(value, dict)}
    assert {"public_list", "public_agreement", "all_feed", "embed", "oembed"} <= set(pages)
    for name, page in pages.items():
        assert 0 < page["queries"] <= 15, name
        assert page["p95_ms"] >= page["median_ms"] > 0, name
        assert page["x_floor"] > 0, name
    assert figures["agreement_304_median_ms"] > 0
    assert figures["csv_ms"] > 0
    assert figures["json_ms"] > 0
