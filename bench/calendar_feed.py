"""The calendar feed's figure alone, against a database filled earlier by `make bench`:

    .venv/bin/python bench/calendar_feed.py [DATABASE_URL] [--repeat N]

The same measurement as `make bench` (bench/measure.py calendar, with run.py's settings),
without generating anything; it adds the bench's calendar user if missing. Prints JSON.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "database_url", nargs="?", default="postgres://postgres@127.0.0.1:5432/tracker_bench_large"
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    figure = measure("calendar", args.database_url, "--repeat", str(args.repeat))
    print(json.dumps(figure, indent=2))


if __name__ == "__main__":
    main()
