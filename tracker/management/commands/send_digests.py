import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import digests


class Command(BaseCommand):
    help = (
        "Send the weekly digest (the Celery job send_digests, by hand, in this process): one "
        "e-mail per subscribed user with something to say, never two for one week."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--week",
            metavar="YYYY-Www",
            help="The ISO week, such as 2026-W48 (default: the week most recently due).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would get what; send nothing and record nothing.",
        )

    def handle(self, *args, week: str | None, dry_run: bool, **options) -> None:
        now = timezone.now()
        if week:
            try:
                digests.parse_week(week)
            except ValueError as error:
                raise CommandError(f"--week: {error}") from None
        week = week or digests.latest_due_week(now)
        if dry_run:
            self._dry_run(week, now)
            return
        digests.week_plan_claim(week=week, now=now)
        digests.deliveries_plan(week=week, now=now)
        # Every delivery a sender may take now, a dead run's included: whatever this run
        # sends is claimed first, so a queued Celery task coming later does nothing.
        user_ids = digests.deliveries_to_send(week=week, now=now)
        counts = dict.fromkeys(digests.Outcome, 0)
        for attempt in range(1, settings.DIGEST_MAX_ATTEMPTS + 1):
            retry = []
            for user_id in user_ids:
                result = digests.digest_deliver(user_id=user_id, week=week)
                if result.outcome == digests.Outcome.RETRY:
                    retry.append(user_id)
                    self.stderr.write(f"  user {user_id}: {result.error}; will try again")
                else:
                    counts[result.outcome] += 1
            if not retry:
                break
            user_ids = retry
            time.sleep(digests.retry_countdown(attempt))
        self.stdout.write(
            f"Digests of {week}: sent {counts['sent']}, nothing to say {counts['skipped']}, "
            f"failed {counts['failed']}, handled elsewhere {counts['not_claimed']}."
        )
        self._left(week)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} digest(s) failed; see the delivery log.")

    def _left(self, week: str) -> None:
        """Say plainly what this run could not take and until when."""
        waiting = digests.deliveries_waiting(week=week)
        if waiting.held:
            until = timezone.localtime(waiting.held_until)
            self.stdout.write(
                f"{waiting.held} digest(s) of {week} are being sent by another process; if it "
                f"stopped, the next run after {until:%Y-%m-%d %H:%M} ({until:%Z}) takes them "
                f"over (DIGEST_CLAIM_TIMEOUT_MINUTES)."
            )
        if waiting.failed:
            self.stdout.write(
                f"{waiting.failed} digest(s) of {week} failed for good: see the delivery log "
                "(admin: Digest deliveries)."
            )

    def _dry_run(self, week: str, now) -> None:
        today = timezone.localdate(now)
        would = 0
        for user in digests.digest_recipients():
            user = digests.user_for_digest(user.pk)
            digest = digests.digest_build(user, week=week, today=today)
            if digest.is_empty:
                continue
            would += 1
            self.stdout.write(
                f"  {user.get_username()} <{user.email}>: {digest.overdue_count} overdue, "
                f"{len(digest.became_overdue)} newly overdue, {len(digest.implemented)} "
                f"implemented, {len(digest.due_soon)} due soon"
            )
        self.stdout.write(f"Dry run for {week}: {would} digest(s) would be sent; nothing sent.")
