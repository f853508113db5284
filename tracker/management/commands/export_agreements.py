import json

from django.core.management.base import BaseCommand, CommandError

from tracker import selectors
from tracker.exports import agreements_document, yaml_text
from tracker.models import Agreement


class Command(BaseCommand):
    help = (
        "Write agreements in the import format (docs/import-format.md), all of them or those "
        "named by slug: what `import_agreements` reads back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", help="the agreements to export (default: all)")
        parser.add_argument("--format", choices=["json", "yaml"], default="json")
        parser.add_argument("-o", "--output", help="a file to write (default: standard output)")

    def handle(self, *args, slugs: list[str], format: str, output: str | None, **options):
        agreements = Agreement.objects.order_by("slug")
        if slugs:
            agreements = agreements.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(agreements.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No agreement has the slug {', '.join(missing)}.")
        document = agreements_document(
            selectors.agreement_for_export(agreement) for agreement in agreements
        )
        if format == "yaml":
            text = yaml_text(document)
        else:
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
