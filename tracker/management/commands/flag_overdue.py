from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from tracker import services
from tracker.models import OverdueFlag


class Command(BaseCommand):
    help = (
        "Flag commitments whose deadline has passed and clear the flags of those no longer "
        "late (the Celery job flag_overdue, by hand). Running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Count this day as today (default: today in the site time zone).",
        )

    def handle(self, *args, today: str | None, verbosity: int, **options) -> None:
        try:
            as_of = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today {today!r} is not a date: write YYYY-MM-DD.") from None
        run = services.overdue_scan(today=as_of)
        self.stdout.write(
            f"Overdue scan as of {as_of:%Y-%m-%d}: flagged {run.flagged}, cleared {run.cleared}."
        )
        if verbosity > 1:
            # Every flag this run wrote carries the run's start time.
            changed = OverdueFlag.objects.filter(
                Q(flagged_at=run.started_at) | Q(cleared_at=run.started_at)
            )
            for flag in changed.select_related("commitment__agreement").order_by("id"):
                what = "flagged" if flag.cleared_at is None else "cleared"
                commitment = flag.commitment
                self.stdout.write(
                    f"  {what} {commitment.agreement.slug} {commitment.reference} "
                    f"(due {flag.due_on:%Y-%m-%d}) {commitment.title}"
                )
