from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import open_data, selectors


class Command(BaseCommand):
    help = (
        "Write the open dataset of the public agreements into a folder: commitments.csv (one "
        "row per commitment and responsible party), agreements.json (the import format) and "
        "codebook.md, as /public/data/ serves them (docs/public.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the folder to write into")
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="the address the CSV's links start with (default: SITE_URL)",
        )

    def handle(self, *args, output: str, site_url: str, **options) -> None:
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{output} is a file, not a folder.")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            names = open_data.write_files(directory, site_url.rstrip("/"))
        except OSError as error:
            raise CommandError(f"Cannot write into {output}: {error.strerror}.") from None
        count = selectors.agreements_public().count()
        self.stdout.write(
            f"Wrote {', '.join(names)} into {directory}: {count} public "
            f"agreement{'s' if count != 1 else ''}."
        )
