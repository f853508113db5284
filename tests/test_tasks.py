"""The Celery side, for real: beat entries sent through Redis to a worker that runs them and
sends the e-mail, SMTP failures retried with backoff by the worker; the schedule itself."""

import datetime

import pytest
from celery.schedules import crontab
from django.utils import timezone

from tracker import digests, services
from tracker.celery import app, beat_schedule
from tracker.models import DigestDelivery, DigestStatus, JobName, JobRun, OverdueFlag, Role

from .factories import AgreementFactory, CommitmentFactory, UserFactory
from .support import wait_for


@pytest.fixture
def late_commitment():
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    return CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")


def _send_beat_entry(name: str) -> None:
    """What beat does when an entry falls due: publish its task, by name, to the broker."""
    entry = app.conf.beat_schedule[name]
    app.send_task(entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))


def _settled(week: str) -> bool:
    rows = DigestDelivery.objects.filter(week=week)
    return (
        rows.exists()
        and not rows.exclude(
            status__in=(DigestStatus.SENT, DigestStatus.SKIPPED, DigestStatus.FAILED)
        ).exists()
    )


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_overdue_beat_entry_flags_through_redis_and_a_worker(celery_worker, late_commitment):
    _send_beat_entry("flag-overdue")
    wait_for(lambda: JobRun.objects.filter(job=JobName.FLAG_OVERDUE).exists(), what="the scan")
    assert OverdueFlag.objects.get(cleared_at__isnull=True).commitment == late_commitment


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_digest_beat_entry_sends_the_email_through_redis_and_a_worker(
    celery_worker, late_commitment, mailoutbox
):
    services.overdue_scan(today=timezone.localdate())
    analyst = UserFactory(username="morning", role=Role.ANALYST)
    _send_beat_entry("plan-weekly-digests")
    wait_for(lambda: len(mailoutbox) == 1, what="the digest e-mail")
    week = digests.latest_due_week(timezone.now())
    assert mailoutbox[0].to == [analyst.email]
    assert late_commitment.reference in mailoutbox[0].body
    wait_for(lambda: _settled(week), what="the delivery record")
    assert DigestDelivery.objects.get(user=analyst, week=week).status == DigestStatus.SENT


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_smtp_failure_is_retried_by_the_worker_and_each_user_gets_exactly_one(
    celery_worker, late_commitment, smtp_server, settings
):
    settings.DIGEST_RETRY_BACKOFF_SECONDS = 0
    services.overdue_scan(today=timezone.localdate())
    for number in range(3):
        UserFactory(username=f"analyst{number}", role=Role.ANALYST)
    smtp_server.refuse.update({"analyst0@example.org": 2, "analyst1@example.org": 1})
    week = digests.latest_due_week(timezone.now())
    _send_beat_entry("plan-weekly-digests")
    wait_for(lambda: _settled(week) and DigestDelivery.objects.count() == 3, what="the digests")
    assert smtp_server.received_by() == {
        "analyst0@example.org": 1,
        "analyst1@example.org": 1,
        "analyst2@example.org": 1,
    }
    rows = DigestDelivery.objects.order_by("user__username")
    assert [(row.status, row.attempts) for row in rows] == [("sent", 3), ("sent", 2), ("sent", 1)]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_records_a_visible_failure_after_the_last_try(
    celery_worker, late_commitment, smtp_server, settings
):
    settings.DIGEST_RETRY_BACKOFF_SECONDS = 0
    settings.DIGEST_MAX_ATTEMPTS = 3
    services.overdue_scan(today=timezone.localdate())
    doomed = UserFactory(username="doomed", role=Role.ANALYST)
    UserFactory(username="lucky", role=Role.ANALYST)
    smtp_server.refuse.update({doomed.email: 99})
    week = digests.latest_due_week(timezone.now())
    _send_beat_entry("plan-weekly-digests")
    wait_for(lambda: _settled(week) and DigestDelivery.objects.count() == 2, what="the digests")
    failed = DigestDelivery.objects.get(user=doomed)
    assert (failed.status, failed.attempts) == (DigestStatus.FAILED, 3)
    assert "451" in failed.last_error
    assert "SMTPRecipientsRefused" in failed.last_error
    assert smtp_server.refused[doomed.email] == 3
    assert smtp_server.received_by() == {"lucky@example.org": 1}


def test_the_schedule_flags_and_plans_every_15_minutes_and_resumes_every_5():
    """The digest is planned by a quarter-hourly look at whether the week most recently due
    (DIGEST_WEEKDAY, DIGEST_HOUR) is planned: a missed tick is made up by the next."""
    app.loader.import_default_modules()
    registered = set(app.tasks)
    schedule = beat_schedule()
    assert schedule["flag-overdue"]["schedule"] == crontab(minute="*/15")
    assert schedule["plan-weekly-digests"]["schedule"] == crontab(minute="*/15")
    assert schedule["resume-digests"]["schedule"] == crontab(minute="*/5")
    for entry in schedule.values():
        assert entry["task"] in registered


def test_the_app_speaks_json_in_the_site_time_zone():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.timezone == "Asia/Karachi"
    assert app.conf.beat_schedule["plan-weekly-digests"]["task"] == "tracker.tasks.send_digests"
