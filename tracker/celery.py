"""The Celery app. Redis is the broker (CELERY_BROKER_URL); the beat schedule lives here.

Tasks travel as JSON (CELERY_TASK_SERIALIZER) and take ids, never model instances. The
schedule's times are in the site time zone (CELERY_TIMEZONE = TIME_ZONE).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule(settings) -> dict:
    """Every periodic job, in one place."""
    return {
        # Flag commitments whose deadline passed and clear those no longer late. Each run
        # looks at the whole state, so a missed run is caught up by the next one.
        "flag-overdue": {
            "task": "tracker.tasks.flag_overdue",
            "schedule": crontab(minute="*/15"),
        },
        # The weekly digest, on DIGEST_WEEKDAY (ISO, 1 = Monday) at DIGEST_HOUR, site time.
        # crontab counts days from Sunday = 0, hence the modulo.
        "send-weekly-digests": {
            "task": "tracker.tasks.send_digests",
            "schedule": crontab(
                minute=0,
                hour=settings.DIGEST_HOUR,
                day_of_week=settings.DIGEST_WEEKDAY % 7,
            ),
        },
        # Deliveries of the latest week that no worker looks after any more (a worker died
        # mid-send, a queued task was lost) are queued again; the claim prevents duplicates.
        "resume-digests": {
            "task": "tracker.tasks.resume_digests",
            "schedule": crontab(minute="7,37"),
        },
    }


@app.on_after_configure.connect
def _set_beat_schedule(sender: Celery, **kwargs) -> None:
    # Read once Django's settings are loaded (they are not yet when this module is imported).
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings)
