"""The Celery app. Redis is the broker (CELERY_BROKER_URL); the beat schedule lives here.

Tasks travel as JSON (CELERY_TASK_SERIALIZER) and take ids, never model instances. The
schedule's times are in the site time zone (CELERY_TIMEZONE = TIME_ZONE).
"""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    """Every periodic job, in one place."""
    from django.conf import settings

    return {
        # Flag commitments whose deadline passed and clear those no longer late. Each run
        # looks at the whole state, so a missed run is caught up by the next one.
        "flag-overdue": {
            "task": "tracker.tasks.flag_overdue",
            "schedule": crontab(minute="*/15"),
        },
        # The weekly digest is due on DIGEST_WEEKDAY at DIGEST_HOUR, site time. Every quarter
        # of an hour the plan looks whether the week most recently due is planned, and plans
        # it if not: a tick missed while beat or the broker was down is made up by the next
        # (a week missed whole is not sent late: the next week's digest covers it).
        "plan-weekly-digests": {
            "task": "tracker.tasks.send_digests",
            "schedule": crontab(minute="*/15"),
        },
        # Deliveries of the latest week that no worker looks after any more (a worker died
        # mid-send, a queued task was lost) are queued again; the claim prevents duplicates.
        "resume-digests": {
            "task": "tracker.tasks.resume_digests",
            "schedule": crontab(minute="*/5"),
        },
        # Read the watched sources and propose their new items as evidence (docs/sources.md).
        # Each run fetches what changed since the last (conditional GET), so a missed run is
        # made up by the next.
        "watch-sources": {
            "task": "tracker.tasks.watch_sources",
            "schedule": timedelta(minutes=settings.SOURCES_WATCH_MINUTES),
        },
        # Notifications and reminders (issue 23): collect what happened and which deadlines
        # near, open the messages due (at most one per channel per NOTIFY_BATCH_MINUTES) and
        # queue them with the retries that are due. Each run reads the state, so a missed
        # minute is caught up by the next.
        "send-notifications": {
            "task": "tracker.tasks.send_notifications",
            "schedule": crontab(minute="*"),
        },
    }


@app.on_after_configure.connect
def _set_beat_schedule(sender: Celery, **kwargs) -> None:
    sender.conf.beat_schedule = beat_schedule()
