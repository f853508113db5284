"""Exactly once: the job run twice, two workers at once, a worker that died, SMTP failures
retried with backoff and a failure that stays visible; the send_digests command."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tracker import digests, services, tasks
from tracker.models import DigestDelivery, DigestStatus, Role

from .factories import AgreementFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_agreement():
    """Signed 100 days ago; its one commitment fell due 70 days ago and is flagged."""
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")
    services.overdue_scan(today=today)
    return agreement


@pytest.fixture
def analysts(late_agreement):
    return [UserFactory(username=f"analyst{n}", role=Role.ANALYST) for n in range(3)]


@pytest.fixture
def week():
    return digests.latest_due_week(timezone.now())


def _statuses(week: str) -> dict[str, str]:
    rows = DigestDelivery.objects.filter(week=week).select_related("user")
    return {row.user.username: row.status for row in rows}


def test_it_sends_one_email_each_when_the_job_runs_twice(analysts, mailoutbox, eager_celery, week):
    assert tasks.send_digests() == 3
    assert tasks.send_digests() == 0
    assert sorted(message.to[0] for message in mailoutbox) == [
        "analyst0@example.org",
        "analyst1@example.org",
        "analyst2@example.org",
    ]
    assert set(_statuses(week).values()) == {DigestStatus.SENT}


def test_it_leaves_out_users_who_turned_the_digest_off_or_have_no_role(
    late_agreement, mailoutbox, eager_celery
):
    UserFactory(username="quiet", role=Role.ANALYST, digest_enabled=False)
    UserFactory(username="roleless")
    UserFactory(username="noaddress", role=Role.ANALYST, email="")
    UserFactory(username="keen", role=Role.VIEWER)
    tasks.send_digests()
    assert [message.to for message in mailoutbox] == [["keen@example.org"]]


def test_it_picks_up_a_delivery_claimed_by_a_worker_that_died(
    analysts, mailoutbox, eager_celery, week
):
    dead = analysts[0]
    DigestDelivery.objects.create(
        user=dead,
        week=week,
        status=DigestStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=31),
    )
    assert tasks.resume_digests() == 1  # only the abandoned one; nothing else was planned
    delivery = DigestDelivery.objects.get(user=dead, week=week)
    assert (delivery.status, delivery.attempts) == (DigestStatus.SENT, 2)
    assert [message.to for message in mailoutbox] == [[dead.email]]


def test_it_leaves_a_fresh_claim_to_the_worker_that_holds_it(
    analysts, mailoutbox, eager_celery, week
):
    busy = analysts[0]
    DigestDelivery.objects.create(
        user=busy, week=week, status=DigestStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    assert digests.digest_deliver(user_id=busy.pk, week=week).outcome == "not_claimed"
    assert tasks.resume_digests() == 0
    assert mailoutbox == []


def test_the_job_takes_over_a_dead_claim_and_sends_the_rest(
    analysts, mailoutbox, eager_celery, week
):
    DigestDelivery.objects.create(
        user=analysts[0],
        week=week,
        status=DigestStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(hours=2),
    )
    tasks.send_digests()
    tasks.send_digests()
    assert len(mailoutbox) == 3
    assert set(_statuses(week).values()) == {DigestStatus.SENT}


def test_a_dead_claim_that_used_up_every_try_ends_as_a_visible_failure(
    analysts, mailoutbox, eager_celery, week, settings
):
    settings.DIGEST_MAX_ATTEMPTS = 2
    DigestDelivery.objects.create(
        user=analysts[0],
        week=week,
        status=DigestStatus.SENDING,
        attempts=2,
        claimed_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert tasks.resume_digests() == 0
    delivery = DigestDelivery.objects.get(user=analysts[0])
    assert delivery.status == DigestStatus.FAILED
    assert "sender stopped" in delivery.last_error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_one_email(mailoutbox):
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")
    services.overdue_scan(today=today)
    analyst = UserFactory(username="racer", role=Role.ANALYST)
    week = digests.latest_due_week(timezone.now())
    start = threading.Barrier(4)
    outcomes = []

    def worker():
        try:
            start.wait(timeout=10)
            outcomes.append(digests.digest_deliver(user_id=analyst.pk, week=week).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["not_claimed", "not_claimed", "not_claimed", "sent"]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (6, 300)])
def test_the_backoff_doubles_up_to_half_the_claim_timeout(attempts, seconds, settings):
    settings.DIGEST_CLAIM_TIMEOUT_MINUTES = 10
    assert digests.retry_countdown(attempts) == seconds


def test_the_command_sends_and_a_second_run_sends_nothing(analysts, mailoutbox, week):
    out = StringIO()
    call_command("send_digests", week=week, stdout=out)
    assert f"Digests of {week}: sent 3, nothing to say 0, failed 0" in out.getvalue()
    call_command("send_digests", week=week, stdout=StringIO())
    assert len(mailoutbox) == 3


def test_the_dry_run_says_who_would_get_what_and_sends_and_records_nothing(analysts, mailoutbox):
    out = StringIO()
    call_command("send_digests", week="2026-W48", dry_run=True, stdout=out)
    text = out.getvalue()
    assert "analyst0 <analyst0@example.org>: 1 overdue" in text
    assert "Dry run for 2026-W48: 3 digest(s) would be sent; nothing sent." in text
    assert mailoutbox == []
    assert not DigestDelivery.objects.exists()


def test_the_command_refuses_a_bad_week_and_changes_nothing(analysts, mailoutbox):
    with pytest.raises(CommandError, match=r"--week: .*2026-48.* is not an ISO week"):
        call_command("send_digests", week="2026-48")
    assert not DigestDelivery.objects.exists()


def test_the_command_retries_smtp_errors_then_reports_a_failure(
    analysts, smtp_server, settings, week
):
    settings.DIGEST_RETRY_BACKOFF_SECONDS = 0
    settings.DIGEST_MAX_ATTEMPTS = 2
    smtp_server.refuse.update({"analyst1@example.org": 1, "analyst2@example.org": 5})
    with pytest.raises(CommandError, match="1 digest\\(s\\) failed"):
        call_command("send_digests", week=week, stdout=StringIO(), stderr=StringIO())
    assert smtp_server.received_by() == {"analyst0@example.org": 1, "analyst1@example.org": 1}
    assert _statuses(week)["analyst2"] == DigestStatus.FAILED


def test_a_failure_reported_after_the_send_was_recorded_never_turns_it_back(analysts, week):
    """Closing the SMTP connection can fail after the digest was sent and recorded."""
    DigestDelivery.objects.create(
        user=analysts[0], week=week, status=DigestStatus.SENT, sent_at=timezone.now()
    )
    result = digests.delivery._record_failure(
        DigestDelivery.objects.filter(user=analysts[0]), OSError("connection reset")
    )
    assert DigestDelivery.objects.get(user=analysts[0]).status == DigestStatus.SENT
    assert result.outcome == digests.Outcome.RETRY
