"""Anonymous public pages (issue 22) against the floor, on a database filled earlier by
`manage.py generate_load_data` (as `make bench` fills tracker_bench_small and _large):

    .venv/bin/python bench/public_pages.py [DATABASE_URL] [--repeat N] [--share N]

First makes one open agreement in `--share` (default 2: every other one) of the seed's
public, by one UPDATE (generated data is written in SQL too; the database's check refuses a
restricted one, and none is picked). Then, as bench/measure.py measures pages, with the same
production-like settings (bench/run.py's environment): each public page fetched anonymously
through Django's test client, three warm-up requests, the queries of one request, `--repeat`
timed requests, right after as many of the floor's (signed in, one query: bench/views.py);
median, 95th percentile and the multiple of the floor's median. Each page is built afresh:
no cache, and no If-None-Match (a 304 is measured apart, `agreement_304`). The two
downloads of every public agreement (CSV and JSON) are timed once each. Prints JSON.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database_url: str) -> None:
    from bench.run import ENVIRONMENT

    os.environ.update({**ENVIRONMENT, "DATABASE_URL": database_url})


def _publish(share: int) -> int:
    from django.db import connection
    from django.db.models import F

    from bench.measure import SEED_PREFIX
    from tracker.models import Agreement

    seed = Agreement.objects.filter(slug__startswith=f"{SEED_PREFIX}-", is_restricted=False)
    published = (
        seed.exclude(is_public=True).annotate(n=F("id") % share).filter(n=0).update(is_public=True)
    )
    if published:
        # As autovacuum would after such a change: with the statistics of before, the planner
        # expects one public agreement and reads every row of theirs to find the newest (the
        # feed of all public agreements took a second instead of 20 ms).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Agreement._meta.db_table}")
    return Agreement.objects.filter(is_public=True).count()


def _urls() -> dict[str, tuple[str, dict]]:
    from tracker import selectors

    agreement = selectors.agreements_public().order_by("slug").first()
    if agreement is None:
        raise SystemExit("No public agreement: is the database filled (generate_load_data)?")
    commitment = agreement.commitments.order_by("sort_key").first()
    slug = agreement.slug
    table = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"}
    page = f"https://tracker.example.org/public/agreements/{slug}/"
    return {
        "public_list": ("/public/", {}),
        "public_list_by_score": ("/public/?sort=-score", {}),
        "public_agreement": (f"/public/agreements/{slug}/", {}),
        "public_table_fragment": (f"/public/agreements/{slug}/?status=in_progress&sort=due", table),
        "public_commitment": (f"/public/commitments/{commitment.pk}/", {}),
        "agreement_feed": (f"/public/agreements/{slug}/feed/", {}),
        "all_feed": ("/public/feed/", {}),
        "embed": (f"/public/agreements/{slug}/embed/", {}),
        "oembed": (f"/public/oembed?url={page}", {}),
        "open_data_page": ("/public/data/", {}),
    }


def _timed_ms(client, url: str, headers: dict, status: int = 200) -> float:
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = 1000 * (time.perf_counter() - started)
    if response.status_code != status:
        raise SystemExit(f"GET {url} answered {response.status_code}, not {status}")
    if response.streaming:
        b"".join(response.streaming_content)
        elapsed = 1000 * (time.perf_counter() - started)
    return elapsed


def measure(repeat: int, share: int) -> dict:
    import bench.measure as harness  # noqa: I001 (first: it sets Django up)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    public_count = _publish(share)
    floor_client, anonymous = Client(), Client()
    floor_client.force_login(harness.bench_user())
    floor = harness.page_urls()["floor"]
    results = {"public_agreements": public_count}
    for name, (url, headers) in _urls().items():
        for _ in range(3):
            _timed_ms(anonymous, url, headers)
            _timed_ms(floor_client, *floor)
        floor_samples = [_timed_ms(floor_client, *floor) for _ in range(repeat)]
        with CaptureQueriesContext(connection) as captured:
            _timed_ms(anonymous, url, headers)
        queries = len(captured)
        samples = [_timed_ms(anonymous, url, headers) for _ in range(repeat)]
        floor_median = statistics.median(floor_samples)
        results[name] = {
            "queries": queries,
            "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 1),
            "floor_median_ms": round(floor_median, 2),
            "x_floor": round(statistics.median(samples) / floor_median, 1),
            "requests": repeat,
        }
        print(f"  {name}: {results[name]}", file=sys.stderr, flush=True)
    url, _ = _urls()["public_agreement"]
    etag = anonymous.get(url)["ETag"]
    revalidated = [
        _timed_ms(anonymous, url, {"HTTP_IF_NONE_MATCH": etag}, status=304) for _ in range(repeat)
    ]
    results["agreement_304_median_ms"] = round(statistics.median(revalidated), 1)
    for name, url in (
        ("csv_ms", "/public/data/commitments.csv"),
        ("json_ms", "/public/data/agreements.json"),
    ):
        results[name] = round(_timed_ms(anonymous, url, {}), 1)
    connection.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "database_url", nargs="?", default="postgres://postgres@127.0.0.1:5432/tracker_bench_small"
    )
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--share", type=int, default=2, help="publish one agreement in SHARE")
    args = parser.parse_args()
    _setup(args.database_url)
    print(json.dumps(measure(args.repeat, args.share), indent=2))


if __name__ == "__main__":
    main()
