"""Delivery: collected notifications → one message per channel at most every
NOTIFY_BATCH_MINUTES (`batches_plan`), each sent exactly once by the digest's protocol
(docs/operations.md):

1. claim the batch with one conditional UPDATE; go on only if exactly one row changed;
2. drop what the user may no longer see (the one visibility rule), render the rest;
3. hand the message to the channel's service and mark the batch sent at once.

A crash between the service's acceptance and the commit of step 3 is the one window in which
a message can go out twice. A failed send is retried with backoff (the batch keeps its
notifications: the retry is the same message); the channel's failures in a row are counted,
and at NOTIFY_PAUSE_AFTER_FAILURES the channel is paused and its user told by e-mail and on
the notifications page, until they resume it.
"""

import enum
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db import connection as db_connection
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation

from .. import emails, selectors
from ..digests import absolute_url, claimer
from ..digests.delivery import _alive
from ..models import (
    BatchStatus,
    ChannelKind,
    EventKind,
    Notification,
    NotificationBatch,
    NotificationChannel,
    ProposalState,
    User,
)
from ..models.notifications import OPEN_BATCH_STATUSES
from .channels import ChannelError, channel_display, channel_send
from .messages import notification_message

logger = logging.getLogger(__name__)

# Any constant: the PostgreSQL advisory lock that lets one planner run at a time.
_PLAN_LOCK_KEY = 0x7472_6163_6B23


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    PAUSED = "paused"
    NOT_CLAIMED = "not_claimed"


@dataclass(frozen=True)
class Delivered:
    outcome: Outcome
    attempts: int = 0
    error: str = ""


def claim_timeout() -> timedelta:
    return timedelta(minutes=settings.NOTIFY_CLAIM_TIMEOUT_MINUTES)


def retry_countdown(attempts: int) -> float:
    """Seconds before the next try: doubled after each failed one, capped below the claim
    timeout so that a waiting retry is never taken for an abandoned claim."""
    base = settings.NOTIFY_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(base, claim_timeout().total_seconds() / 2)


def _claimable(now: datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (
        Q(status=BatchStatus.PENDING)
        | Q(status=BatchStatus.RETRYING) & due
        | Q(status=BatchStatus.SENDING, claimed_at__lt=now - claim_timeout())
    )


# ---------------------------------------------------------------------------------------------
# Planning


def batches_plan(*, now: datetime) -> int:
    """Open a message for every channel that has notifications waiting, is not paused, has
    no message in flight and had none in the last NOTIFY_BATCH_MINUTES; assign the waiting
    notifications to it. Four statements whatever the number of channels."""
    window_start = now - timedelta(minutes=settings.NOTIFY_BATCH_MINUTES)
    waiting = Notification.objects.filter(
        channel_id=OuterRef("pk"), batch__isnull=True, withheld_at__isnull=True
    )
    busy = NotificationBatch.objects.filter(channel_id=OuterRef("pk")).filter(
        Q(status__in=OPEN_BATCH_STATUSES) | Q(created_at__gt=window_start)
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PLAN_LOCK_KEY])
        channel_ids = list(
            NotificationChannel.objects.filter(paused_at__isnull=True)
            .filter(Exists(waiting))
            .exclude(Exists(busy))
            .values_list("pk", flat=True)
        )
        if not channel_ids:
            return 0
        NotificationBatch.objects.bulk_create(
            [NotificationBatch(channel_id=pk, created_at=now) for pk in channel_ids],
            ignore_conflicts=True,
            batch_size=1000,
        )
        new_batch = NotificationBatch.objects.filter(
            channel_id=OuterRef("channel_id"), status=BatchStatus.PENDING, created_at=now
        ).values("pk")[:1]
        Notification.objects.filter(
            channel_id__in=channel_ids, batch__isnull=True, withheld_at__isnull=True
        ).update(batch_id=Subquery(new_batch))
    return len(channel_ids)


def release_dead_claims(*, now: datetime) -> int:
    """Give back at once the claims held by a process of this machine that is gone (a killed
    worker, a crashed command), rather than after the claim timeout: the message is tried
    again at once. Claims of other machines wait for the timeout."""
    here = f"{socket.gethostname()}:"
    held = NotificationBatch.objects.filter(
        status=BatchStatus.SENDING, claimed_by__startswith=here
    ).values_list("pk", "claim_token", "claimed_by")
    released = 0
    for pk, token, holder in held:
        pid = holder.rpartition(":")[2]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        released += NotificationBatch.objects.filter(
            pk=pk, claim_token=token, status=BatchStatus.SENDING
        ).update(
            status=BatchStatus.RETRYING,
            claimed_at=None,
            next_attempt_at=now,
            last_error=f"the process sending it ({holder}) stopped",
        )
    return released


def batches_to_send(*, now: datetime) -> list[int]:
    """Messages a sender may take now: queued, due for a retry, or claimed by a sender that
    is gone (this machine) or stopped longer than the claim timeout ago; never those of a
    paused channel."""
    release_dead_claims(now=now)
    return list(
        NotificationBatch.objects.filter(_claimable(now), channel__paused_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# One message


def batch_claim(*, batch_id: int, now: datetime) -> uuid.UUID | None:
    token = uuid.uuid4()
    changed = NotificationBatch.objects.filter(
        _claimable(now), pk=batch_id, channel__paused_at__isnull=True
    ).update(
        status=BatchStatus.SENDING,
        claimed_at=now,
        claim_token=token,
        claimed_by=claimer(),
        attempts=F("attempts") + 1,
    )
    return token if changed == 1 else None


def batch_deliver(*, batch_id: int, now: datetime | None = None) -> Delivered:
    """Claim, check, render, send and record one message."""
    now = now or timezone.now()
    token = batch_claim(batch_id=batch_id, now=now)
    if token is None:
        return Delivered(Outcome.NOT_CLAIMED)
    mine = NotificationBatch.objects.filter(pk=batch_id, claim_token=token)
    batch = NotificationBatch.objects.select_related("channel", "channel__user").get(pk=batch_id)
    channel, user = batch.channel, batch.channel.user
    items = _visible_items(batch, user, now)
    if not items:
        mine.update(status=BatchStatus.SKIPPED, last_error="")
        return Delivered(Outcome.SKIPPED)
    title, body = notification_message(user, items)
    try:
        channel_send(channel, title=title, body=body, email=user.email)
    except ChannelError as error:
        return _record_failure(mine, channel, user, batch.attempts, str(error), now)
    # The service has it: from here until this UPDATE commits is the one window in which a
    # crash means a second copy later (docs/operations.md).
    _mark_sent(mine, channel, len(items))
    return Delivered(Outcome.SENT, batch.attempts)


def _visible_items(batch: NotificationBatch, user: User, now: datetime) -> list[Notification]:
    """The batch's notifications whose commitment the user may still see and, for a proposal,
    that still waits in the inbox; the others are withheld for good (taken out of the batch,
    never sent). Two queries."""
    rows = list(
        Notification.objects.filter(batch=batch).select_related(
            "commitment__agreement", "status_change", "evidence", "overdue_flag", "proposal"
        )
    )
    visible = set(
        selectors.commitments_visible_to(user)
        .filter(pk__in=[row.commitment_id for row in rows])
        .values_list("pk", flat=True)
    )
    kept = [row for row in rows if row.commitment_id in visible and _still_news(row)]
    hidden = {row.pk for row in rows} - {row.pk for row in kept}
    if hidden:
        Notification.objects.filter(pk__in=hidden).update(withheld_at=now, batch=None)
    return kept


def _still_news(row: Notification) -> bool:
    """A proposal decided between collection and sending no longer waits in the inbox."""
    return row.kind != EventKind.PROPOSAL or (
        row.proposal is not None and row.proposal.state == ProposalState.PROPOSED
    )


def _mark_sent(mine, channel: NotificationChannel, count: int) -> None:
    """Record the send; once more on a fresh connection if the database connection broke
    while the service was answering, rather than leave the message to be sent again."""

    def mark() -> None:
        with transaction.atomic():
            mine.update(
                status=BatchStatus.SENT, sent_at=timezone.now(), last_error="", item_count=count
            )
            NotificationChannel.objects.filter(pk=channel.pk).update(
                consecutive_failures=0, last_error="", last_sent_at=timezone.now()
            )

    try:
        mark()
    except (InterfaceError, OperationalError):
        db_connection.close()
        mark()


def _record_failure(mine, channel, user, attempts: int, error: str, now: datetime) -> Delivered:
    """The message waits for another try; the channel counts the failure, and is paused (and
    its user told, once) when it has failed NOTIFY_PAUSE_AFTER_FAILURES times in a row."""
    text = f"attempt {attempts}: {error}"
    with transaction.atomic():
        mine.filter(status=BatchStatus.SENDING).update(
            status=BatchStatus.RETRYING,
            last_error=text,
            next_attempt_at=now + timedelta(seconds=retry_countdown(attempts)),
        )
        NotificationChannel.objects.filter(pk=channel.pk).update(
            consecutive_failures=F("consecutive_failures") + 1, last_error=text
        )
        paused = NotificationChannel.objects.filter(
            pk=channel.pk,
            paused_at__isnull=True,
            consecutive_failures__gte=settings.NOTIFY_PAUSE_AFTER_FAILURES,
        ).update(paused_at=now)
    logger.warning("Notification channel %s: %s", channel.pk, text)
    if paused:
        _tell_paused(channel, user)
        return Delivered(Outcome.PAUSED, attempts, error)
    return Delivered(Outcome.RETRY, attempts, error)


def _tell_paused(channel: NotificationChannel, user: User) -> None:
    """One e-mail, sent by the one caller whose UPDATE paused the channel. An e-mail channel
    that is failing may not carry it either: the page shows the pause as well."""
    if not user.email:
        return
    context = {
        "user": user,
        "channel": channel_display(channel),
        "is_email": channel.kind == ChannelKind.EMAIL,
        "failures": settings.NOTIFY_PAUSE_AFTER_FAILURES,
        "notifications_url": absolute_url(reverse("tracker:notifications")),
    }
    try:
        with translation.override(user.language_or_default):
            message = emails.notification_channel_paused(user.email, context)
        message.send()
    except Exception:
        logger.warning("Telling user %s that a channel is paused failed", user.pk, exc_info=True)


# ---------------------------------------------------------------------------------------------
# Keeping the tables small


def notifications_prune(*, now: datetime, today) -> int:
    """Delete what is done with and older than NOTIFY_KEEP_DAYS: notifications sent (or with
    nothing left to send) or withheld, then their messages. Never a reminder whose deadline
    is still ahead: its row is what keeps the next collection from adding it again (events
    that old are before every collector's window). Two statements."""
    cutoff = now - timedelta(days=settings.NOTIFY_KEEP_DAYS)
    done = Q(batch__status__in=(BatchStatus.SENT, BatchStatus.SKIPPED)) | Q(
        batch__isnull=True, withheld_at__isnull=False
    )
    reminder_ahead = Q(kind=EventKind.REMINDER, due_on__gte=today)
    deleted, _ = (
        Notification.objects.filter(done, collected_at__lt=cutoff).exclude(reminder_ahead).delete()
    )
    NotificationBatch.objects.filter(
        status__in=(BatchStatus.SENT, BatchStatus.SKIPPED), created_at__lt=cutoff
    ).exclude(Exists(Notification.objects.filter(batch_id=OuterRef("pk")))).delete()
    return deleted
