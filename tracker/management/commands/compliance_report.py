import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.models import AssessmentRound
from tracker.rounds.output import FORMATS, report_file
from tracker.rounds.report import report_of


class Command(BaseCommand):
    help = (
        "Write the compliance report of an agreement's assessment round as PDF, XLSX or CSV "
        "(docs/rounds.md): what the round's page offers for download."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="the agreement")
        parser.add_argument("--round", type=int, required=True, dest="number", help="its number")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="default: the output file's suffix (.pdf, .xlsx, .csv), else CSV",
        )
        parser.add_argument("-o", "--output", help="a file to write (default: standard output)")

    def handle(
        self, *args, slug: str, number: int, format: str | None, output: str | None, **options
    ):
        found = AssessmentRound.objects.select_related("agreement")
        round_ = found.filter(agreement__slug=slug, number=number).first()
        if round_ is None:
            raise CommandError(f"The agreement “{slug}” has no round {number}.")
        format = format or _format_of(output)
        content = report_file(report_of(round_), format)
        if not output:
            sys.stdout.buffer.write(content)
            return
        with open(output, "wb") as file:
            file.write(content)
        self.stdout.write(f"Wrote round {number} of “{slug}” as {format.upper()} to {output}.")


def _format_of(output: str | None) -> str:
    """The format a file name's suffix names; CSV, which is text, on standard output."""
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in FORMATS else "csv"
