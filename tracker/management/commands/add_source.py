from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker import services
from tracker.models import Agreement, Language, Reliability, WatchedSource


class Command(BaseCommand):
    help = (
        "Register a watched source (an RSS or Atom feed) and the agreements it concerns; "
        "the watcher reads it from its next run (docs/sources.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="A unique name, such as 'MOFA Pakistan'.")
        parser.add_argument("--url", required=True, help="The feed's address (http or https).")
        parser.add_argument(
            "--agreement",
            action="append",
            default=[],
            metavar="SLUG",
            help="An agreement it reports on (repeat for several).",
        )
        parser.add_argument(
            "--reliability",
            default=Reliability.F,
            choices=Reliability.values,
            help="The Admiralty grade its items are proposed with (default F).",
        )
        parser.add_argument("--language", default=Language.EN, choices=Language.values)
        parser.add_argument(
            "--fetch-pages", action="store_true", help="Also read each new item's page."
        )

    def handle(self, *args, name, url, agreement, reliability, language, fetch_pages, **options):
        slugs = list(dict.fromkeys(agreement))
        agreements = list(Agreement.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {found.slug for found in agreements})
        if missing:
            raise CommandError(f"No agreement with the slug {', '.join(missing)}.")
        if WatchedSource.objects.filter(name=name).exists():
            raise CommandError(f"A source named {name!r} exists already.")
        source = WatchedSource(
            name=name,
            feed_url=url,
            reliability=reliability,
            language=language,
            fetch_pages=fetch_pages,
        )
        try:
            services.source_save(source=source, agreements=agreements, by=None)
        except ValidationError as error:
            problems = "; ".join(
                f"--{field.replace('feed_url', 'url')}: {' '.join(messages)}"
                for field, messages in error.message_dict.items()
            )
            raise CommandError(problems) from None
        self.stdout.write(
            f"Added source {source.name} ({source.feed_url}), reliability {source.reliability}, "
            f"for {len(agreements)} agreement{'s' if len(agreements) != 1 else ''}."
        )
