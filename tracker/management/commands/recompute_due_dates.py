from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker import services
from tracker.models import Agreement


class Command(BaseCommand):
    help = (
        "Read every commitment's timeline wording again and recompute its due date, its "
        "reading and the event it counts from, agreement by agreement, each in its own "
        "transaction with its history (the same code a milestone move runs). For commitments "
        "saved before the engine read a wording (an event it names, promptness, recurrence): "
        "a wording naming an event no milestone records makes that milestone, undated, and "
        "the commitment waits for it. Give slugs to do only those agreements."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these agreements")

    def handle(self, *args, slugs: list[str], **options) -> None:
        agreements = Agreement.objects.order_by("pk")
        if slugs:
            agreements = agreements.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(agreements.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No agreement with the slug {', '.join(missing)}.")
        moved = done = 0
        for agreement in agreements.iterator():
            with transaction.atomic():
                moved += services.agreement_recompute_due_dates(agreement=agreement)
            done += 1
        self.stdout.write(
            f"Read the timelines of {done} agreement{'' if done == 1 else 's'} again: "
            f"{moved} commitment{'' if moved == 1 else 's'} changed."
        )
