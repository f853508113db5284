"""Nothing is skipped: a missed weekly tick is made up by the next, a crashed `send_digests`
is resumed at once by the next run, and a killed worker's digest goes out within minutes,
each digest still exactly once."""

import asyncio
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tracker import digests, services, tasks
from tracker.celery import app
from tracker.models import DigestDelivery, DigestPlan, DigestStatus, Role

from .factories import AgreementFactory, CommitmentFactory, UserFactory
from .support import FlakySMTPHandler, free_port, own_database_url, wait_for

ROOT = Path(__file__).resolve().parent.parent
KARACHI = datetime.timezone(datetime.timedelta(hours=5))


@pytest.fixture
def late_commitment(db):
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")
    services.overdue_scan(today=today)
    return commitment


def _analysts(count: int) -> list:
    return [UserFactory(username=f"reader{n}", role=Role.ANALYST) for n in range(count)]


@pytest.mark.django_db
def test_the_next_tick_plans_a_week_whose_tick_was_missed(
    late_commitment, eager_celery, mailoutbox, time_machine
):
    """Beat (or the broker) was down at Monday 07:00: the plan of the first tick after it,
    Tuesday, plans and sends that week; the ticks after it plan nothing more."""
    time_machine.move_to(datetime.datetime(2026, 12, 8, 10, 0, tzinfo=KARACHI), tick=False)
    reader = UserFactory(username="reader", role=Role.ANALYST)
    week = digests.latest_due_week(timezone.now())
    assert week == "2026-W50"
    assert not DigestPlan.objects.filter(week=week).exists()
    assert tasks.send_digests() == 1
    assert [message.to for message in mailoutbox] == [[reader.email]]
    assert DigestPlan.objects.get(week=week).recipients == 1
    time_machine.move_to(datetime.datetime(2026, 12, 8, 10, 15, tzinfo=KARACHI), tick=False)
    UserFactory(username="newcomer", role=Role.ANALYST)
    assert tasks.send_digests() == 0  # planned: a later tick queues nobody
    assert len(mailoutbox) == 1


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.django_db
def test_a_second_run_sends_at_once_what_a_crashed_run_left_and_nothing_twice(
    late_commitment, mailoutbox, capsys
):
    """A run died after two digests, with one in flight: the next run sends the other three
    at once (the in-flight one's process is gone from this machine), none of the first two."""
    readers = _analysts(5)
    now = timezone.now()
    week = digests.latest_due_week(now)
    digests.week_plan_claim(week=week, now=now)
    digests.deliveries_plan(week=week, now=now)
    for reader in readers[:2]:
        assert digests.digest_deliver(user_id=reader.pk, week=week).outcome == "sent"
    assert digests.delivery_claim(user_id=readers[2].pk, week=week, now=now) is not None
    DigestDelivery.objects.filter(user=readers[2]).update(
        claimed_by=f"{socket.gethostname()}:{_dead_pid()}"
    )
    mailoutbox.clear()

    call_command("send_digests")

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        reader.email for reader in readers[2:]
    )
    assert f"Digests of {week}: sent 3" in capsys.readouterr().out
    statuses = DigestDelivery.objects.filter(week=week).values_list("status", flat=True)
    assert set(statuses) == {DigestStatus.SENT}


@pytest.mark.django_db
def test_a_run_says_which_digests_another_sender_holds_and_until_when(
    late_commitment, mailoutbox, capsys, settings
):
    settings.DIGEST_CLAIM_TIMEOUT_MINUTES = 5
    held, free = _analysts(2)
    now = timezone.now()
    week = digests.latest_due_week(now)
    digests.deliveries_plan(week=week, now=now)
    digests.delivery_claim(user_id=held.pk, week=week, now=now)
    DigestDelivery.objects.filter(user=held).update(claimed_by="another-machine:4242")

    call_command("send_digests")

    assert [message.to for message in mailoutbox] == [[free.email]]
    until = timezone.localtime(now + datetime.timedelta(minutes=5))
    out = capsys.readouterr().out
    assert "1 digest(s) of" in out
    assert "being sent by another process" in out
    assert f"after {until:%Y-%m-%d %H:%M}" in out
    assert DigestDelivery.objects.get(user=held).status == DigestStatus.SENDING


class StallingSMTPHandler(FlakySMTPHandler):
    """Holds the first message's DATA for an hour (its sender is killed meanwhile); accepts
    the ones after it."""

    def __init__(self):
        super().__init__()
        self.stalled = 0

    async def handle_DATA(self, server, session, envelope):
        if self.stalled == 0:
            self.stalled += 1
            await asyncio.sleep(3600)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalling_smtp(settings):
    from aiosmtpd.controller import Controller

    handler = StallingSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.fixture
def worker_process(worker_id, stalling_smtp, settings):
    """A Celery worker in a process of its own (so that it can be killed), on its own queue,
    sending mail to the stalling SMTP server."""
    queue = f"tracker-killed-{worker_id}"
    environment = {
        **os.environ,
        "DATABASE_URL": own_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": settings.EMAIL_BACKEND,
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "EMAIL_TIMEOUT": "5",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            f"--queues={queue}",
            f"--hostname=killed-{worker_id}@%h",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    yield worker, queue
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_workers_digest_goes_out_within_minutes_and_once(
    celery_worker, late_commitment, worker_process, stalling_smtp
):
    worker, queue = worker_process
    reader = UserFactory(username="reader", role=Role.ANALYST)
    now = timezone.now()
    week = digests.latest_due_week(now)
    digests.deliveries_plan(week=week, now=now)
    app.send_task("tracker.tasks.send_digest", args=[reader.pk, week], queue=queue)
    row = DigestDelivery.objects.filter(user=reader, week=week)
    wait_for(lambda: stalling_smtp.stalled == 1, timeout=60, what="the worker's SMTP DATA")
    assert row.get().status == DigestStatus.SENDING
    assert row.get().claimed_by.endswith(f":{worker.pid}")

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    killed = time.monotonic()
    # The next resume tick, on another worker of this machine: the dead claim is given
    # back at once, not after DIGEST_CLAIM_TIMEOUT_MINUTES.
    entry = app.conf.beat_schedule["resume-digests"]
    app.send_task(entry["task"])
    wait_for(lambda: row.get().status == DigestStatus.SENT, timeout=60, what="the resent digest")
    assert time.monotonic() - killed < 60
    assert stalling_smtp.received_by() == {reader.email: 1}
    assert row.get().attempts == 2
