"""A tiny `make bench` (issue 7): the whole harness at a few rows, so that it cannot rot.

It runs bench/run.py as `make bench` does, on its own two databases, with gunicorn and
wrk (Debian's package, which .ci/run installs), and checks the shape of what it writes.
The figures themselves mean nothing at this size; docs/benchmarks.md has the real ones.
"""

import json
import socket
import subprocess
import sys
from pathlib import Path

from bench.run import PAGES

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_tiny_bench_runs_end_to_end_and_writes_every_figure(tmp_path, worker_id):
    results = tmp_path / "results.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--tiny",
            "--drop",
            f"--results={results}",
            f"--database-prefix=tracker_bench_test_{worker_id}",
            f"--port={free_port()}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(results.read_text())

    assert set(figures["pages"]) >= set(PAGES)
    for name in PAGES:
        page = figures["pages"][name]
        assert 0 < page["queries_small"] <= 15, name
        assert page["queries_large"] == page["queries_small"], name
        assert page["median_ms_large"] > 0
        assert page["p95_ms_large"] >= page["median_ms_large"]
        assert page["ratio_to_floor"] > 0
    calendar = figures["calendar"]
    assert 0 < calendar["events"] <= calendar["in_window"] <= calendar["visible_deadlines"]
    assert 0 < calendar["queries"] <= 5
    assert calendar["ms"] > 0
    assert calendar["not_modified_ms"] > 0
    assert calendar["bytes"] > 0
    scan = figures["overdue_scan"]
    assert scan["commitments"] == 20
    assert scan["seconds"] > 0
    assert scan["raw_sql_seconds"] > 0
    digest = figures["digest"]
    assert digest["users"] == 6
    assert digest["outcomes"].get("sent", 0) + digest["outcomes"].get("skipped", 0) == 6
    assert 0 < digest["queries_per_digest"] <= 5
    assert digest["seconds"] > 0
    load = figures["load"]
    assert load["floor_rps"] > 0
    mixed = figures["mixed"]
    assert mixed["rps"] > 0
    assert mixed["floor_rps"] == load["floor_rps"]
    assert mixed["errors"] == 0, run.stdout[-3000:]
    assert mixed["p95_ms"] > 0
    assert mixed["scans_failed"] == 0
    assert mixed["scans_during_writes"] >= 1
    assert mixed["figures_agree"], mixed["figures_check"]
    assert set(figures["targets"]) == {
        "same_queries_at_most_15",
        "median_at_most_10x_floor_search_20x",
        "p95_under_100ms",
        "mixed_no_error",
        "mixed_p95_under_150ms",
        "mixed_rps_at_least_20pct_floor",
        "scan_within_1_5x_raw",
        "scan_million_within_1_5x_raw",
        "no_drift_after_scans_during_writes",
        "digest_at_most_5_queries",
        "calendar_under_1s_and_2mb",
    }
    assert "| overview |" in run.stdout  # the Markdown table for docs/benchmarks.md
