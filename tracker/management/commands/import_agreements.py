import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.import_files import read_document
from tracker.import_limits import ImportFailed, ImportLimits
from tracker.importer import ImportReport, run_import
from tracker.models import User


class Command(BaseCommand):
    help = (
        "Import agreements, their milestones, commitments and evidence from a JSON, YAML, CSV "
        "or XLSX file (docs/import-format.md). All or nothing: any problem and nothing is "
        "saved. Importing the same file again updates instead of duplicating."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a .json, .yaml, .yml, .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change, without saving anything",
        )
        parser.add_argument(
            "--user",
            help="record evidence and status changes as this user (default: no user)",
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options) -> None:
        path = Path(file)
        limits = ImportLimits.for_command()
        try:
            with path.open("rb") as stream:
                # One byte past the limit is enough to refuse it (and /dev/zero has no end).
                data = stream.read(limits.file_bytes + 1)
        except OSError as error:
            raise CommandError(f"{file}: cannot be read: {error.strerror}.") from None
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"--user: no user is named “{user}”.")
        verbosity = options["verbosity"]
        try:
            document = read_document(path.name, data, limits=limits)
            report = run_import(
                document,
                file_name=path.name,
                by=by,
                dry_run=dry_run,
                progress=self._progress if verbosity >= 1 else None,
                limits=limits,
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(failure.errors)} problem(s) in {path.name}; nothing was imported."
            ) from None
        self._report(report, verbosity)

    def _progress(self, done: int, total: int) -> None:
        """One line on a terminal, rewritten in place; every 10 % otherwise."""
        if sys.stderr.isatty():
            self.stderr.write(f"\rCommitments: {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")
        elif done == total or done % max(10, total // 10) == 0:
            self.stderr.write(f"Commitments: {done}/{total} ({100 * done // total} %)")

    def _report(self, report: ImportReport, verbosity: int) -> None:
        if verbosity == 0:
            return
        if verbosity >= 2:
            for change in report.made_changes:
                self.stdout.write(f"  {change.kind} {change.action}: {change.label}")
        lines = [f"  {kind}: {n} {action}" for kind, action, n in report.counts()]
        if report.dry_run:
            self.stdout.write(f"Dry run of {report.file_name}: nothing was saved. It would give:")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {report.file_name}:"))
        self.stdout.write("\n".join(lines) or "  nothing")
