import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.dev.loaddata import LoadSize, load_data_generate


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with generated agreements, commitments, evidence and "
        "users for benchmarks, in set-based SQL. The same --seed and --today give the same data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--agreements", type=_positive, default=20)
        parser.add_argument("--commitments-per-agreement", type=_positive, default=50)
        parser.add_argument("--evidence-per-commitment", type=_positive, default=10)
        parser.add_argument("--users", type=_positive, default=50)
        parser.add_argument("--seed", type=_positive, default=1)
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", help="Date the data around this day (default: today)."
        )

    def handle(self, *args, today: str | None, **options) -> None:
        try:
            as_of = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today {today!r} is not a date: write YYYY-MM-DD.") from None
        if options["users"] < 1 or options["agreements"] < 1:
            raise CommandError("--agreements and --users must be at least 1.")
        size = LoadSize(
            agreements=options["agreements"],
            commitments_per_agreement=options["commitments_per_agreement"],
            evidence_per_commitment=options["evidence_per_commitment"],
            users=options["users"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Generating {size.agreements:,} agreements, {size.commitments:,} commitments, "
            f"{size.evidence:,} pieces of evidence and {size.users:,} users (seed {size.seed})."
        )
        started = time.perf_counter()
        try:
            counts = load_data_generate(size, today=as_of, progress=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Done in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{count:,} {label}" for label, count in counts.items())
        )
