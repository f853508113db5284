"""The reminder job for real: beat's entry published through Redis to a worker, which
collects the reminder, plans its message and sends it to a webhook through Apprise; a
failing webhook retried by the worker with backoff, the message arriving once."""

import pytest
from django.utils import timezone

from tracker import services
from tracker.celery import app
from tracker.models import BatchStatus, NotificationBatch, NotificationCursor, Role
from tracker.notifications import channels

from .factories import AgreementFactory, CommitmentFactory, UserFactory
from .support import wait_for


def _last_round():
    return NotificationCursor.objects.get(name="reminders").collected_until


def _send_beat_entry(name: str) -> None:
    entry = app.conf.beat_schedule[name]
    app.send_task(entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))


@pytest.fixture
def due_in_a_week(transactional_db):
    agreement = AgreementFactory(signed_on=timezone.localdate())
    commitment = CommitmentFactory(
        agreement=agreement,
        reference="3.1",
        title="Open the crossing",
        timeline_wording="within 7 days",
    )
    analyst = UserFactory(username="reminded", role=Role.ANALYST)
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    return commitment, analyst


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reminder_job_sends_through_redis_and_a_worker(celery_worker, webhook, due_in_a_week):
    commitment, analyst = due_in_a_week
    channels.channel_add(user=analyst, kind="apprise", url=webhook.url())
    _send_beat_entry("send-notifications")
    wait_for(lambda: len(webhook.posts) == 1, what="the reminder")
    message = webhook.posts[0]["message"]
    assert "Reminder:" in message
    assert "Open the crossing" in message
    assert f"due on {commitment.due_on:%-d %B %Y}, in 7 days" in message
    wait_for(
        lambda: NotificationBatch.objects.filter(status=BatchStatus.SENT).exists(),
        what="the record",
    )
    for _ in range(2):  # more rounds: nothing new to say
        before = _last_round()
        _send_beat_entry("send-notifications")
        wait_for(lambda before=before: _last_round() > before, what="another round")
    assert len(webhook.posts) == 1


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_retries_a_failing_webhook_and_it_arrives_once(
    celery_worker, webhook, due_in_a_week, settings
):
    settings.NOTIFY_RETRY_BACKOFF_SECONDS = 1
    _commitment, analyst = due_in_a_week
    channels.channel_add(user=analyst, kind="apprise", url=webhook.url())
    webhook.fail_next = 2
    _send_beat_entry("send-notifications")
    wait_for(lambda: len(webhook.posts) == 1, what="the retried reminder")
    assert webhook.attempts == 3
    batch = NotificationBatch.objects.get()
    wait_for(lambda: NotificationBatch.objects.get().status == BatchStatus.SENT, what="the mark")
    assert NotificationBatch.objects.get(pk=batch.pk).attempts == 3
