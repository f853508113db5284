import time

from django.core.management.base import BaseCommand

from tracker import notifications


class Command(BaseCommand):
    help = (
        "Collect notifications and reminders, then send the messages due (the Celery job "
        "send_notifications, by hand): each event at most once per channel. With --once, one "
        "round; without, a round every --every seconds until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then exit.")
        parser.add_argument(
            "--every", type=int, default=60, metavar="SECONDS", help="Pause between rounds."
        )

    def handle(self, *args, once: bool, every: int, **options) -> None:
        while True:
            self._round()
            if once:
                return
            time.sleep(max(every, 1))

    def _round(self) -> None:
        run = notifications.notifications_round()
        outcomes: dict[str, int] = {}
        for batch_id in run.batch_ids:
            outcome = notifications.batch_deliver(batch_id=batch_id).outcome
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        collected = ", ".join(f"{name} {count}" for name, count in run.collected.items())
        sent = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        self.stdout.write(
            f"Collected: {collected}. Messages opened: {run.planned}. "
            f"Messages tried: {len(run.batch_ids)}{f' ({sent})' if sent else ''}."
        )
