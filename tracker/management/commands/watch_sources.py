from django.core.management.base import BaseCommand, CommandError

from tracker.models import WatchedSource
from tracker.sources.watch import watch


class Command(BaseCommand):
    help = (
        "Fetch the enabled watched sources once, match their new items against the open "
        "commitments of their agreements and record the proposals (the Celery job "
        "watch_sources, by hand). --source NAME watches that source alone, even disabled."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Watch once and stop (the only mode: beat or cron repeats it).",
        )
        parser.add_argument("--source", metavar="NAME", help="Watch only the source so named.")

    def handle(self, *args, source: str | None, verbosity: int, **options) -> None:
        if source is not None and not WatchedSource.objects.filter(name=source).exists():
            raise CommandError(f"No watched source is named {source!r}.")
        run = watch(source_name=source)
        self.stdout.write(
            f"Watched {run.sources} source{'s' if run.sources != 1 else ''}: fetched "
            f"{run.fetched}, new {run.new}, proposed {run.proposed}, skipped {run.skipped}, "
            f"failed {run.failed}."
        )
        for fetch in run.fetches.select_related("source").order_by("source__name"):
            if fetch.outcome == "failed" or verbosity > 1:
                self.stdout.write(
                    f"  {fetch.source.name}: {fetch.get_outcome_display()}"
                    f"{': ' + fetch.error if fetch.error else ''}"
                )
        if run.failed:
            self.stderr.write(f"{run.failed} source{'s' if run.failed != 1 else ''} failed.")
