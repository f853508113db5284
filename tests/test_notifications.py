"""Notifications end to end, against a real JSON webhook on 127.0.0.1 reached through Apprise:
events collected from the rows the services write, batched, sent once, retried, paused;
restricted agreements' events kept from outsiders; reminders once per offset and due date."""

import datetime
import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker import notifications, services
from tracker.models import (
    BatchStatus,
    CommitmentStatus,
    Notification,
    NotificationBatch,
    NotificationChannel,
    Role,
    Stance,
)
from tracker.notifications import channels
from tracker.notifications.collect import notifications_collect

from .factories import AgreementFactory, CommitmentFactory, UserFactory


@pytest.fixture
def agreement(db):
    """Signed 40 days ago."""
    return AgreementFactory(signed_on=timezone.localdate() - timedelta(days=40))


@pytest.fixture
def commitment(agreement):
    """Due in a year: neither overdue nor reminded of."""
    return CommitmentFactory(
        agreement=agreement,
        reference="2.1",
        title="Joint patrols",
        timeline_wording="within 2 years",
    )


@pytest.fixture
def other_analyst(db):
    return UserFactory(username="colleague", role=Role.ANALYST)


@pytest.fixture
def follower(analyst, agreement):
    """The analyst follows the agreement."""
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    return analyst


@pytest.fixture
def hook_channel(follower, webhook):
    return channels.channel_add(
        user=follower, kind="apprise", url=webhook.url("t0k3n-s3cret"), label="Ops & alerts"
    )


def _send_round(now=None):
    run = notifications.notifications_round(now=now)
    return [notifications.batch_deliver(batch_id=pk, now=now).outcome for pk in run.batch_ids]


def _set_status(commitment, status, by):
    commitment.refresh_from_db()
    return services.commitment_set_status(
        commitment=commitment, status=status, reason="Seen in the press", by=by
    )


def test_each_event_arrives_once_in_one_message_with_its_text(
    hook_channel, webhook, commitment, other_analyst, agreement
):
    late = CommitmentFactory(
        agreement=agreement,
        reference="4.2",
        title="Exchange liaison officers",
        timeline_wording="within 1 month",
    )
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    services.evidence_log(
        commitment=commitment,
        by=other_analyst,
        summary="Patrols began at Torkham",
        stance=Stance.PROGRESS,
    )
    services.overdue_scan(today=timezone.localdate())

    assert _send_round() == [notifications.Outcome.SENT]
    assert _send_round() == []

    assert len(webhook.posts) == 1
    post = webhook.posts[0]
    assert post["title"] == "Commitment tracker: 3 updates"
    body = post["message"]
    assert "moved from Not started to In progress" in body
    assert "New evidence on" in body
    assert "Patrols began at Torkham" in body
    assert "\u2068Exchange liaison officers\u2069" in body
    assert "is overdue" in body
    assert f"http://testserver/commitments/{late.pk}/" in body
    assert Notification.objects.filter(channel=hook_channel).count() == 3


def test_events_within_the_batch_window_wait_for_the_next_message(
    hook_channel, webhook, commitment, other_analyst, settings
):
    settings.NOTIFY_BATCH_MINUTES = 15
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    start = timezone.now()
    _send_round(now=start)
    _set_status(commitment, CommitmentStatus.STALLED, other_analyst)
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)

    assert _send_round(now=start + timedelta(minutes=5)) == []
    assert len(webhook.posts) == 1
    assert _send_round(now=start + timedelta(minutes=16)) == [notifications.Outcome.SENT]
    assert [post["title"] for post in webhook.posts] == [
        "Commitment tracker: 1 update",
        "Commitment tracker: 2 updates",
    ]


def test_a_long_batch_says_how_many_more(
    hook_channel, webhook, commitment, other_analyst, monkeypatch
):
    monkeypatch.setattr("tracker.notifications.messages.ITEMS_PER_MESSAGE", 2)
    for status in (CommitmentStatus.IN_PROGRESS, CommitmentStatus.STALLED):
        _set_status(commitment, status, other_analyst)
    services.evidence_log(commitment=commitment, by=other_analyst, summary="More")
    _send_round()
    assert webhook.posts[0]["title"] == "Commitment tracker: 3 updates"
    assert "… and 1 more." in webhook.posts[0]["message"]
    assert "New evidence" not in webhook.posts[0]["message"]


def test_nothing_is_sent_for_what_the_user_did_or_before_the_channel_existed(
    follower, webhook, commitment, other_analyst
):
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    channels.channel_add(user=follower, kind="apprise", url=webhook.url())
    _set_status(commitment, CommitmentStatus.STALLED, follower)
    _send_round()
    assert webhook.posts == []


def test_a_failing_channel_is_retried_then_paused_and_the_user_told(
    hook_channel, webhook, commitment, other_analyst, settings, mailoutbox, caplog
):
    settings.NOTIFY_PAUSE_AFTER_FAILURES = 3
    settings.NOTIFY_RETRY_BACKOFF_SECONDS = 0
    webhook.fail_next = -1
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    with caplog.at_level(logging.DEBUG):
        outcomes = [outcome for _ in range(4) for outcome in _send_round()]

    Outcome = notifications.Outcome
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.PAUSED]
    assert webhook.attempts == 3
    hook_channel.refresh_from_db()
    assert hook_channel.paused_at is not None
    assert [mail.subject for mail in mailoutbox] == [
        "Commitment tracker: a notification channel is paused"
    ]
    assert "t0k3n-s3cret" not in mailoutbox[0].body
    assert f"json://127.0.0.1:{webhook.port}/…" in mailoutbox[0].body
    assert "\u2068Ops & alerts (json://" in mailoutbox[0].body
    assert "t0k3n-s3cret" not in caplog.text
    assert "t0k3n-s3cret" not in hook_channel.last_error

    webhook.fail_next = 0
    channels.channel_resume(channel=hook_channel)
    assert _send_round() == [Outcome.SENT]
    assert len(webhook.posts) == 1
    assert "moved from Not started to In progress" in webhook.posts[0]["message"]
    assert len(mailoutbox) == 1


def test_a_failure_is_retried_and_the_message_arrives_once(
    hook_channel, webhook, commitment, other_analyst, settings
):
    settings.NOTIFY_RETRY_BACKOFF_SECONDS = 0
    webhook.fail_next = 2
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    outcomes = [outcome for _ in range(4) for outcome in _send_round()]
    Outcome = notifications.Outcome
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.SENT]
    assert len(webhook.posts) == 1
    hook_channel.refresh_from_db()
    assert hook_channel.consecutive_failures == 0
    assert hook_channel.paused_at is None


def test_the_command_retries_in_the_same_run(
    hook_channel, webhook, commitment, other_analyst, settings
):
    settings.NOTIFY_RETRY_BACKOFF_SECONDS = 0
    webhook.fail_next = 2
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    output, errors = io.StringIO(), io.StringIO()
    call_command("send_notifications", stdout=output, stderr=errors)
    assert "Messages tried: 1 (sent 1)" in output.getvalue()
    assert errors.getvalue().count("the service did not accept the message") == 2
    assert "t0k3n-s3cret" not in errors.getvalue()
    assert len(webhook.posts) == 1


def test_a_retry_waits_for_its_backoff(hook_channel, webhook, commitment, other_analyst, settings):
    settings.NOTIFY_RETRY_BACKOFF_SECONDS = 60
    webhook.fail_next = 1
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    start = timezone.now()
    assert _send_round(now=start) == [notifications.Outcome.RETRY]
    assert _send_round(now=start + timedelta(seconds=30)) == []
    assert _send_round(now=start + timedelta(seconds=61)) == [notifications.Outcome.SENT]


def test_a_message_is_claimed_by_one_sender_only(hook_channel, webhook, commitment, other_analyst):
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    run = notifications.notifications_round()
    (batch_id,) = run.batch_ids
    now = timezone.now()
    from tracker.notifications.deliver import batch_claim

    assert batch_claim(batch_id=batch_id, now=now) is not None
    assert notifications.batch_deliver(batch_id=batch_id) == notifications.Delivered(
        notifications.Outcome.NOT_CLAIMED
    )
    assert webhook.posts == []
    # The first sender died holding it: after the claim timeout another takes it, once.
    later = now + timedelta(minutes=11)
    assert notifications.batches_to_send(now=later) == [batch_id]
    assert notifications.batch_deliver(batch_id=batch_id, now=later).outcome == "sent"
    assert notifications.batch_deliver(batch_id=batch_id, now=later).outcome == "not_claimed"
    assert len(webhook.posts) == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_lost_after_the_send_still_records_it(
    hook_channel, webhook, commitment, other_analyst, monkeypatch
):
    """The service took the message, then the connection broke: the mark is written on a
    fresh connection rather than leaving the message to be sent again."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    run = notifications.notifications_round()
    real_update = QuerySet.update
    broken = []

    def update_once_broken(self, **fields):
        if fields.get("status") == BatchStatus.SENT and not broken:
            broken.append(True)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update_once_broken)
    assert notifications.batch_deliver(batch_id=run.batch_ids[0]).outcome == "sent"
    monkeypatch.undo()
    assert broken == [True]
    assert NotificationBatch.objects.get().status == BatchStatus.SENT
    assert _send_round() == []
    assert len(webhook.posts) == 1


def test_a_claim_of_a_dead_process_of_this_machine_is_taken_over_at_once(
    hook_channel, webhook, commitment, other_analyst
):
    import socket

    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    run = notifications.notifications_round()
    dead = f"{socket.gethostname()}:{2**22 + 7}"  # above any pid_max: no such process
    NotificationBatch.objects.update(
        status=BatchStatus.SENDING, claimed_at=timezone.now(), claimed_by=dead, attempts=1
    )
    assert notifications.batches_to_send(now=timezone.now()) == run.batch_ids
    assert _send_round() == [notifications.Outcome.SENT]
    assert len(webhook.posts) == 1


def test_restricted_agreements_events_never_reach_an_outsider(
    webhook, other_analyst, restricted_agreement
):
    insider = UserFactory(username="insider", role=Role.ANALYST)
    restricted_agreement.teams.first().members.add(insider)
    outsider = UserFactory(username="outsider", role=Role.ANALYST)
    for user in (insider, outsider):
        # The outsider's follow outlived their access (or was written around the page).
        user.followed_agreements.add(restricted_agreement)
        channels.channel_add(user=user, kind="apprise", url=webhook.url(user.username))
    secret = restricted_agreement.commitments.get()
    _set_status(secret, CommitmentStatus.IN_PROGRESS, other_analyst)

    _send_round()

    assert [post["path"] for post in webhook.posts] == ["/insider"]
    assert "Hidden deadline" in webhook.posts[0]["message"]
    withheld = Notification.objects.get(channel__user=outsider)
    assert withheld.withheld_at is not None
    assert withheld.batch is None
    _send_round()
    assert len(webhook.posts) == 1


def test_email_channel_gets_the_batch(follower, commitment, other_analyst, mailoutbox):
    channels.channel_add(user=follower, kind="email")
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    output = io.StringIO()
    call_command("send_notifications", "--once", stdout=output)
    assert "Messages tried: 1 (sent 1)" in output.getvalue()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [follower.email]
    assert mailoutbox[0].subject == "Commitment tracker: 1 update"
    assert NotificationBatch.objects.get().status == BatchStatus.SENT


# ---------------------------------------------------------------------------------------------
# Reminders


@pytest.fixture
def soon(db):
    """Signed today, due in 30 days."""
    agreement = AgreementFactory(signed_on=timezone.localdate())
    return CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")


@pytest.fixture
def reminded(analyst, soon, webhook):
    services.agreement_set_followed(agreement=soon.agreement, by=analyst, follow=True)
    channels.channel_add(user=analyst, kind="apprise", url=webhook.url())
    return analyst


def _reminder_keys() -> list[str]:
    return list(
        Notification.objects.filter(kind="reminder")
        .order_by("pk")
        .values_list("event_key", flat=True)
    )


def _collect(today: datetime.date) -> None:
    notifications_collect(now=timezone.now(), today=today)


def test_reminders_once_per_offset_and_again_after_the_due_date_moves(reminded, soon):
    today = timezone.localdate()
    due = soon.due_on
    assert due == today + timedelta(days=30)
    for day in (today, today, today + timedelta(days=1)):
        _collect(day)
    assert _reminder_keys() == [f"reminder:{soon.pk}:30:{due}"]

    _collect(today + timedelta(days=23))
    _collect(today + timedelta(days=24))
    assert _reminder_keys()[1:] == [f"reminder:{soon.pk}:7:{due}"]

    soon.timeline_wording = "within 40 days"
    services.commitment_save(commitment=soon)
    moved = soon.due_on
    _collect(today + timedelta(days=24))
    assert _reminder_keys()[2:] == [f"reminder:{soon.pk}:30:{moved}"]


def test_a_late_reminder_run_sends_the_nearest_offset_only(reminded, soon):
    _collect(soon.due_on - timedelta(days=3))
    assert _reminder_keys() == [f"reminder:{soon.pk}:7:{soon.due_on}"]


def test_a_recurring_commitment_is_reminded_of_the_period_it_owes(reminded, analyst):
    agreement = AgreementFactory(signed_on=timezone.localdate() - timedelta(days=100))
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    monthly = CommitmentFactory(agreement=agreement, timeline_wording="monthly")
    assert monthly.due_on is not None
    _collect(monthly.due_on - timedelta(days=1))
    assert f"reminder:{monthly.pk}:1:{monthly.due_on}" in _reminder_keys()


def test_no_reminder_for_a_closed_commitment_or_one_past_due(reminded, soon, other_analyst):
    _collect(soon.due_on + timedelta(days=1))
    assert _reminder_keys() == []
    _set_status(soon, CommitmentStatus.IMPLEMENTED, other_analyst)
    _collect(soon.due_on - timedelta(days=1))
    assert _reminder_keys() == []


def test_the_reminder_message_says_when(reminded, soon, webhook):
    _send_round()
    assert webhook.posts[0]["title"] == "Commitment tracker: 1 update"
    assert "is due on" in webhook.posts[0]["message"]
    assert "in 30 days" in webhook.posts[0]["message"]


def test_a_round_costs_the_same_queries_whatever_the_data(reminded, soon, other_analyst, webhook):
    def round_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            notifications.notifications_round()
        NotificationBatch.objects.update(status=BatchStatus.SENT, sent_at=timezone.now())
        return len(captured)

    start = timezone.now()
    _set_status(soon, CommitmentStatus.IN_PROGRESS, other_analyst)
    few = round_queries()
    for number in range(8):
        more = CommitmentFactory(agreement=soon.agreement, reference=f"7.{number}")
        _set_status(more, CommitmentStatus.IN_PROGRESS, other_analyst)
        other = UserFactory(username=f"follower{number}", role=Role.VIEWER)
        services.agreement_set_followed(agreement=soon.agreement, by=other, follow=True)
        channels.channel_add(user=other, kind="apprise", url=webhook.url())
    NotificationBatch.objects.update(created_at=start - timedelta(hours=1))
    assert round_queries() == few
    assert Notification.objects.count() > 30


def test_done_notifications_are_pruned_but_not_a_reminder_still_ahead(
    reminded, soon, webhook, other_analyst, settings
):
    settings.NOTIFY_KEEP_DAYS = 90
    _set_status(soon, CommitmentStatus.IN_PROGRESS, other_analyst)
    _send_round()
    assert set(Notification.objects.values_list("kind", flat=True)) == {"status", "reminder"}
    long_ago = timezone.now() - timedelta(days=91)
    Notification.objects.update(collected_at=long_ago)
    NotificationBatch.objects.update(created_at=long_ago)
    _set_status(soon, CommitmentStatus.STALLED, other_analyst)  # waits for its message
    _collect(timezone.localdate())
    Notification.objects.filter(batch__isnull=True).update(collected_at=long_ago)

    notifications.notifications_prune(now=timezone.now(), today=timezone.localdate())

    kept = sorted((row.kind, row.batch_id is None) for row in Notification.objects.all())
    assert kept == [("reminder", False), ("status", True)]
    assert NotificationBatch.objects.count() == 1
    _send_round(now=timezone.now() + timedelta(hours=1))
    assert len(webhook.posts) == 2
    assert "Reminder" not in webhook.posts[1]["message"]


# ---------------------------------------------------------------------------------------------
# Channels


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("bogus://x/y", "not a service Apprise knows"),
        ("json://169.254.169.254/latest", "private, loopback or link-local"),
        ("jsons://127.0.0.1:8000/hook", "private, loopback or link-local"),
        ("json://localhost/hook", "private, loopback or link-local"),
        ("", "Enter an Apprise URL"),
    ],
)
def test_a_bad_or_private_apprise_url_is_refused_and_nothing_saved(analyst, settings, url, words):
    settings.NOTIFY_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(channels.ValidationError) as refusal:
        channels.channel_add(user=analyst, kind="apprise", url=url)
    assert words in " ".join(refusal.value.messages)
    assert not NotificationChannel.objects.exists()


def test_a_private_target_refused_at_sending_time_is_a_failure(
    hook_channel, webhook, commitment, other_analyst, settings
):
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    settings.NOTIFY_ALLOW_PRIVATE_HOSTS = False
    assert _send_round() == [notifications.Outcome.RETRY]
    assert webhook.attempts == 0


def test_a_redirect_is_never_followed(hook_channel, webhook, commitment, other_analyst):
    assert channels.apprise_target("jsons://hooks.example.org/x?redirect=yes").redirects is False
    webhook.redirect_to = "http://169.254.169.254/latest/meta-data"
    _set_status(commitment, CommitmentStatus.IN_PROGRESS, other_analyst)
    assert _send_round() == [notifications.Outcome.RETRY]
    assert webhook.attempts == 1


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "slack://…/…"),
        ("jsons://user:pa55@hooks.example.org:8443/t0k3n?x=1", "jsons://hooks.example.org:8443/…"),
        ("tgram://123456789:abcdefg_hijklmnop/12315544/", "tgram://…/…"),
    ],
)
def test_an_apprise_url_is_shown_masked(url, shown):
    assert channels.mask_url(url) == shown
