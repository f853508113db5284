from django.core.management.base import BaseCommand, CommandError

from tracker import selectors, services


class Command(BaseCommand):
    help = (
        "Recount the figures kept on every agreement (commitments, score, overdue) from the "
        "commitments and overdue flags. The database's triggers keep them in step; this "
        "repairs them after a change the triggers did not see (a restored backup, triggers "
        "disabled by hand). With --check, change nothing: list each difference and exit 1 "
        "if there is one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the kept figures with a recount; exit 1 if any differs.",
        )

    def handle(self, *args, check: bool, **options) -> None:
        if check:
            self._check()
            return
        count = services.agreement_stats_refresh()
        self.stdout.write(f"Recounted the figures of every agreement: corrected {count}.")

    def _check(self) -> None:
        result = selectors.agreement_figures_check()
        if not result.differences:
            every = (
                "the one agreement agree"
                if result.agreements == 1
                else f"all {result.agreements} agreements agree"
            )
            self.stdout.write(f"The figures of {every} with a recount.")
            return
        for difference in result.differences:
            self.stdout.write(
                f"{difference.slug}: {difference.figure} is {difference.kept}, "
                f"a recount gives {difference.actual}"
            )
        agreements = len({difference.slug for difference in result.differences})
        raise CommandError(
            f"{agreements} of {result.agreements} agreements keep figures that differ from a "
            "recount; `manage.py refresh_figures` corrects them.",
            returncode=1,
        )
