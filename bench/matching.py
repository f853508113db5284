"""Items matched per second: the watcher's matching (tracker/sources/matching.py) of the
recorded news items (tests/data/feeds/labelled.xml) against one agreement with N open
commitments, on PostgreSQL:

    .venv/bin/python bench/matching.py [DATABASE_URL] [--commitments N] [--seconds S]

The database is created if missing and migrated; the agreement and its commitments are made
once per size (generated titles from a fixed vocabulary, deterministic, plus the seed
agreement's own), then the items are matched over and over for S seconds. Prints JSON:
items per second, milliseconds per item (median and 95th percentile), proposals made per
item. Nothing is written by the matching itself. docs/benchmarks.md says how to read it.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERBS = [
    "Create",
    "Improve",
    "Hold",
    "Plan",
    "Launch",
    "Encourage",
    "Share",
    "Conduct",
    "Run",
    "Form",
    "Increase",
    "Review",
]
WHAT = [
    "joint border patrols",
    "intelligence exchange",
    "high-level consultations",
    "trade projects",
    "community outreach programmes",
    "military exercises",
    "task forces",
    "awareness campaigns",
    "customs posts",
    "refugee registration",
    "water sharing talks",
    "prisoner exchanges",
    "road construction",
    "electricity imports",
    "visa procedures",
    "health cooperation",
    "narcotics interdiction",
    "media monitoring",
    "school exchanges",
    "hydropower studies",
]
WHERE = [
    "in the border districts",
    "near Torkham",
    "in Kurram",
    "along the Durand Line",
    "in Chaman",
    "in Khyber",
    "at the ministerial level",
    "with the mediators",
    "for rapid responses",
    "every quarter",
]


def _database(url: str) -> None:
    """Create the database if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _agreement(size: int):
    from django.core.management import call_command

    from tests.factories import AgreementFactory, PartyFactory
    from tracker.models import Agreement, Commitment

    call_command("migrate", verbosity=0)
    slug = f"bench-matching-{size}"
    agreement = Agreement.objects.filter(slug=slug).first()
    if agreement is not None:
        return agreement
    parties = [
        PartyFactory(code="AFG", name="Afghanistan"),
        PartyFactory(code="PAK", name="Pakistan"),
    ]
    agreement = AgreementFactory(
        slug=slug, title=f"Matching bench, {size:,} commitments", parties=parties
    )
    rng = random.Random(20)
    seed_titles = [
        "Improve intelligence exchange on terrorist activities and movements",
        "Plan coordinated military operations against strongholds near the border",
        "Hold regular high-level consultations to evaluate progress",
        "Create joint border patrols",
        "Increase joint military exercises on counterterrorism tactics",
        "Escalate intelligence-sharing protocols for rapid responses",
        "Form specialised task forces targeting known terrorist havens",
        "Create structures for cyclical high-level dialogues",
        "Launch community outreach programmes in border districts",
        "Encourage cross-border trade projects",
        "Share actionable intelligence to thwart planned attacks",
        "Conduct joint military drills preparing forces for coordinated action",
        "Run public awareness campaigns on the dangers of radicalisation",
    ]
    titles = seed_titles + [
        f"{rng.choice(VERBS)} {rng.choice(WHAT)} {rng.choice(WHERE)}"
        for _ in range(size - len(seed_titles))
    ]
    for start in range(0, len(titles), 5_000):
        Commitment.objects.bulk_create(
            Commitment(agreement=agreement, reference=f"B.{n}", sort_key=f"{n:08d}", title=title)
            for n, title in enumerate(titles[start : start + 5_000], start=start)
        )
    return agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "database_url",
        nargs="?",
        default="postgres://postgres@127.0.0.1:5432/tracker_bench_matching",
    )
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    _database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from tracker.sources.feeds import parse
    from tracker.sources.matching import Matcher

    agreement = _agreement(args.commitments)
    entries, _ = parse((ROOT / "tests/data/feeds/labelled.xml").read_bytes(), limit=1_000)
    matcher = Matcher(agreement_ids=[agreement.pk])
    timings, proposals = [], 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for entry in entries:
            started = time.perf_counter()
            proposals += len(matcher.match(title=entry.title, text=entry.excerpt))
            timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        json.dumps(
            {
                "open_commitments": agreement.commitments.count(),
                "items_matched": len(timings),
                "items_per_second": round(len(timings) / sum(timings), 1),
                "ms_per_item_median": round(1000 * statistics.median(timings), 2),
                "ms_per_item_p95": round(1000 * timings[int(0.95 * (len(timings) - 1))], 2),
                "proposals_per_item": round(proposals / len(timings), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
