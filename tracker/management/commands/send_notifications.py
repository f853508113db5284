import time

from django.core.management.base import BaseCommand

from tracker import notifications


class Command(BaseCommand):
    help = (
        "Collect notifications and reminders, then send the messages due (the Celery job "
        "send_notifications, by hand): each event at most once per channel. A message the "
        "service refuses is tried again in the same run after the same backoff as the job's, "
        "until it is sent or its channel is paused; with --once each is tried once and a "
        "refused one waits for the next run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Try each message once; retry in later runs."
        )

    def handle(self, *args, once: bool, **options) -> None:
        run = notifications.notifications_round()
        outcomes: dict[str, int] = {}
        for batch_id in run.batch_ids:
            outcome = self._deliver(batch_id, once=once)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        collected = ", ".join(f"{name} {count}" for name, count in run.collected.items())
        tried = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        self.stdout.write(
            f"Collected: {collected}. Messages opened: {run.planned}. "
            f"Messages tried: {len(run.batch_ids)}{f' ({tried})' if tried else ''}."
        )

    def _deliver(self, batch_id: int, *, once: bool) -> str:
        while True:
            result = notifications.batch_deliver(batch_id=batch_id)
            if once or result.outcome != notifications.Outcome.RETRY:
                return str(result.outcome)
            pause = notifications.retry_countdown(result.attempts)
            self.stderr.write(f"Message {batch_id}: {result.error}; again in {pause:.0f} s")
            time.sleep(pause)
