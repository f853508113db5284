from django.core.management.base import BaseCommand

from tracker import services


class Command(BaseCommand):
    help = (
        "Recount the figures kept on every agreement (commitments, score, overdue) from the "
        "commitments themselves. The services keep them in step; this repairs them after a "
        "change made outside the app (raw SQL, a restored backup)."
    )

    def handle(self, *args, **options) -> None:
        count = services.agreement_stats_refresh()
        self.stdout.write(f"Recounted the figures of {count} agreements.")
