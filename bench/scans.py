"""Overdue scans while the mixed workload writes: `python bench/scans.py SECONDS`.

For SECONDS, one scan after the other, as of today and as of thirty days on (so that every
other scan flags commitments and the next clears them again): the flags and the figures they
move change under the writers' feet. It says how many scans ran on stderr; the exit status
is the number that failed.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from tracker import services  # noqa: E402


def main() -> int:
    deadline = time.monotonic() + float(sys.argv[1])
    failed = runs = 0
    while time.monotonic() < deadline:
        today = timezone.localdate() + timedelta(days=30 * (runs % 2))
        try:
            services.overdue_scan(today=today)
        except Exception as error:  # counted and reported: the benchmark's figure
            failed += 1
            print(f"scan as of {today} failed: {error!r}", file=sys.stderr)
        runs += 1
    # The last scan is as of today, so the database is left as the app would leave it.
    if runs % 2 == 0:
        services.overdue_scan(today=timezone.localdate())
    print(f"{runs} scans, {failed} failed", file=sys.stderr)
    return failed


if __name__ == "__main__":
    sys.exit(main())
