"""Celery tasks: thin wrappers that take ids (JSON-serialisable arguments) and call the code
that the management commands call too. The beat schedule is in `tracker/celery.py`."""

import logging

from celery import shared_task
from django.utils import timezone

from . import digests, notifications, services

logger = logging.getLogger(__name__)


@shared_task
def flag_overdue() -> dict:
    """The overdue scan as of today in the site time zone (`manage.py flag_overdue`)."""
    run = services.overdue_scan(today=timezone.localdate())
    return {"as_of": run.as_of.isoformat(), "flagged": run.flagged, "cleared": run.cleared}


@shared_task
def watch_sources() -> dict:
    """Fetch the enabled watched sources and propose their new items (`manage.py
    watch_sources`). Beat runs it every SOURCES_WATCH_MINUTES."""
    from .sources.watch import watch

    run = watch()
    return {
        "sources": run.sources,
        "fetched": run.fetched,
        "new": run.new,
        "proposed": run.proposed,
        "failed": run.failed,
    }


@shared_task
def send_digests(week: str | None = None) -> int:
    """Plan a week's digests and queue one `send_digest` per user who needs it. Without a
    week (beat, every quarter of an hour): the week most recently due, if no run planned it
    yet, so that a tick missed while beat or the broker was down is made up by the next."""
    now = timezone.now()
    if week is None:
        week = digests.latest_due_week(now)
        if not digests.week_plan_claim(week=week, now=now):
            return 0
    else:
        digests.week_plan_claim(week=week, now=now)
    user_ids = digests.deliveries_plan(week=week, now=now)
    for user_id in user_ids:
        send_digest.delay(user_id, week)
    logger.info("Digests of %s: queued %d", week, len(user_ids))
    return len(user_ids)


@shared_task
def resume_digests() -> int:
    """Pick up the latest week's deliveries that no worker is looking after (a worker died
    mid-send, on this machine or past the claim timeout; a queued task was lost): a second
    chance that never duplicates a sent one."""
    now = timezone.now()
    week = digests.latest_due_week(now)
    user_ids = digests.deliveries_to_resume(week=week, now=now)
    for user_id in user_ids:
        send_digest.delay(user_id, week)
    return len(user_ids)


# Celery's own retry limit is off: the delivery row counts the tries (DIGEST_MAX_ATTEMPTS),
# so that tries made by another worker, or before a crash, count too.
@shared_task(bind=True, max_retries=None)
def send_digest(self, user_id: int, week: str) -> str:
    """One user's digest for one week, exactly once; SMTP errors retried with backoff."""
    result = digests.digest_deliver(user_id=user_id, week=week)
    if result.outcome == digests.Outcome.RETRY:
        raise self.retry(exc=result.error, countdown=digests.retry_countdown(result.attempts))
    return str(result.outcome)


@shared_task
def send_notifications() -> int:
    """Collect events and reminders, plan the messages due, and queue one
    `send_notification_batch` per message a sender may take (new ones, retries that are
    due, claims of a sender that died): the claim keeps a message queued twice from going
    out twice."""
    run = notifications.notifications_round()
    for batch_id in run.batch_ids:
        send_notification_batch.delay(batch_id)
    return len(run.batch_ids)


# The batch row and its channel count the tries (NOTIFY_PAUSE_AFTER_FAILURES), not Celery.
@shared_task(bind=True, max_retries=None)
def send_notification_batch(self, batch_id: int) -> str:
    """One message to one channel, exactly once; a failure retried with backoff until the
    channel is paused."""
    result = notifications.batch_deliver(batch_id=batch_id)
    if result.outcome == notifications.Outcome.RETRY:
        raise self.retry(countdown=notifications.retry_countdown(result.attempts))
    return str(result.outcome)
