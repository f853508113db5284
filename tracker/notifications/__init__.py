"""Notifications beyond the weekly digest (issue 23): `collect` turns the rows the services
write (status changes, evidence, overdue flags, inbox proposals) and the due dates (reminders) into
`Notification` rows per user and channel, set-based; `deliver` sends them in batches,
exactly once per channel, with retries and pausing; `channels` holds a user's channels and
choices (the writes, the Apprise URL check, the masking, the send); `messages` the text."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .collect import COLLECTORS, notifications_collect
from .deliver import (
    Delivered,
    Outcome,
    batch_deliver,
    batches_plan,
    batches_to_send,
    notifications_prune,
    retry_countdown,
)


@dataclass(frozen=True)
class Round:
    collected: dict[str, int]
    planned: int
    batch_ids: list[int]


def notifications_round(*, now: datetime | None = None) -> Round:
    """Collect, plan the messages due, and list those a sender may take: the beat job and
    `manage.py send_notifications` both start here."""
    now = now or timezone.now()
    collected = notifications_collect(now=now, today=timezone.localdate(now))
    planned = batches_plan(now=now)
    notifications_prune(now=now, today=timezone.localdate(now))
    return Round(collected, planned, batches_to_send(now=now))


__all__ = [
    "COLLECTORS",
    "Delivered",
    "Outcome",
    "Round",
    "batch_deliver",
    "batches_plan",
    "batches_to_send",
    "notifications_collect",
    "notifications_prune",
    "notifications_round",
    "retry_countdown",
]
