"""Notification channels' Apprise URLs are encrypted at rest (`tracker.models.secrets`): the
column holds no part of a URL, every reader gets the URL back, a rotated SECRET_KEY keeps
them readable through SECRET_KEY_FALLBACKS until `reencrypt_channels` moves them, and a URL
no key reads makes a clear message and a paused channel, never a 500."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tracker import notifications, services
from tracker.models import CommitmentStatus, NotificationChannel, Role
from tracker.models.secrets import Unreadable
from tracker.notifications import channels

from .factories import AgreementFactory, CommitmentFactory, UserFactory

migration = import_module("tracker.migrations.0030_channel_secret")

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
OLD_KEY = "the-key-the-url-was-encrypted-with-" + "o" * 20
NEW_KEY = "the-key-after-the-rotation-" + "n" * 30
LOST_KEY = "a-key-that-never-encrypted-anything-" + "l" * 20


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def _channel(user, url: str = SLACK) -> NotificationChannel:
    return NotificationChannel.objects.create(
        user=user, kind="apprise", url=url, label="Ops", created_at=timezone.now()
    )


def _stored(channel: NotificationChannel) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM tracker_notificationchannel WHERE id = %s", [channel.pk])
        return cursor.fetchone()[0]


def _read(channel: NotificationChannel) -> NotificationChannel:
    return NotificationChannel.objects.get(pk=channel.pk)


# ---------------------------------------------------------------------------------------------
# At rest


def test_it_stores_no_part_of_the_url(analyst, old_key):
    channel = _channel(analyst)
    stored = _stored(channel)
    assert stored.startswith("gAAAA")  # a Fernet token
    pieces = {SLACK[start : start + 6] for start in range(len(SLACK) - 5)}
    assert not any(piece in stored for piece in pieces)


def test_it_reads_back_the_url_as_written(analyst, old_key):
    url = "json://hooks.example.org/päth/" + "x" * 1960
    channel = _channel(analyst, url)
    assert _read(channel).url == url
    assert NotificationChannel.objects.values_list("url", flat=True).get() == url


def test_each_save_encrypts_anew(analyst, old_key):
    first, second = _channel(analyst), _channel(analyst)
    assert _stored(first) != _stored(second)


def test_an_email_channel_stores_no_url_and_an_apprise_one_needs_one(analyst, old_key):
    email = NotificationChannel.objects.create(
        user=analyst, kind="email", created_at=timezone.now()
    )
    assert _stored(email) == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        _channel(analyst, "")


def test_a_url_longer_than_the_limit_is_refused(analyst):
    channel = NotificationChannel(
        user=analyst, kind="apprise", url="json://example.org/" + "x" * 2000
    )
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        channel.full_clean(exclude=["created_at"])


def test_a_lookup_that_cannot_match_a_token_is_refused(db):
    with pytest.raises(FieldError):
        NotificationChannel.objects.filter(url__contains="slack").exists()


@given(st.text(max_size=2000))
def test_any_text_up_to_the_limit_round_trips(text):
    field = NotificationChannel._meta.get_field("url")
    stored = field.get_prep_value(text)
    read = field.from_db_value(stored, None, connection)
    assert read == text
    assert not isinstance(read, Unreadable)
    assert (stored == "") == (text == "")


# ---------------------------------------------------------------------------------------------
# Rotating SECRET_KEY


def test_a_rotated_key_still_reads_old_urls_and_reencrypt_moves_them(analyst, old_key, capsys):
    channel = _channel(analyst)
    before = _stored(channel)
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert _read(channel).url == SLACK

    call_command("reencrypt_channels")

    assert capsys.readouterr().out == (
        "Re-encrypted 1 channel URLs with the current key "
        "(1 were under a key of DJANGO_SECRET_KEY_FALLBACKS).\n"
    )
    assert _stored(channel) != before
    old_key.SECRET_KEY_FALLBACKS = []
    assert _read(channel).url == SLACK


def test_reencrypt_counts_the_urls_under_an_older_key(analyst, old_key):
    _channel(analyst)
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    _channel(analyst)
    result = channels.channels_reencrypt()
    assert (result.reencrypted, result.from_fallback, result.unreadable) == (2, 1, 0)
    assert channels.channels_reencrypt().from_fallback == 0


def test_reencrypt_reports_unreadable_urls_keeps_them_and_exits_1(analyst, old_key, capsys):
    lost = _channel(analyst)
    stored = _stored(lost)
    old_key.SECRET_KEY = LOST_KEY
    _channel(analyst)

    with pytest.raises(CommandError, match="1 channel URLs cannot be decrypted") as error:
        call_command("reencrypt_channels")

    assert error.value.returncode == 1
    assert "Re-encrypted 1 channel URLs" in capsys.readouterr().out
    assert _stored(lost) == stored  # the old key may come back: nothing is lost
    old_key.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert _read(lost).url == SLACK


# ---------------------------------------------------------------------------------------------
# A URL no key reads


@pytest.fixture
def unreadable(analyst, old_key):
    channel = _channel(analyst)
    old_key.SECRET_KEY = LOST_KEY
    return _read(channel)


def test_an_unreadable_url_reads_as_such_and_is_saved_back_unchanged(unreadable):
    stored = _stored(unreadable)
    assert unreadable.url_unreadable
    assert "unreadable: add the channel again" in str(unreadable)
    unreadable.label = "Renamed"
    unreadable.save()
    assert _stored(unreadable) == stored


def test_the_page_says_to_add_an_unreadable_channel_again(client, analyst, unreadable):
    client.force_login(analyst)  # signed in under the new key
    page = client.get(reverse("tracker:notifications"))
    assert page.status_code == 200
    assert "can no longer be read" in page.content.decode()


def test_a_test_send_to_an_unreadable_channel_says_why(client, analyst, unreadable):
    client.force_login(analyst)
    data = {"action": "test", "channel": unreadable.pk}
    response = client.post(reverse("tracker:notifications"), data, follow=True)
    assert response.status_code == 200
    assert "delete the channel and add it again with its URL" in response.content.decode()


def test_the_admin_lists_an_unreadable_channel(admin_user, client, unreadable):
    client.force_login(admin_user)
    response = client.get(reverse("admin:tracker_notificationchannel_changelist"))
    assert response.status_code == 200
    assert "unreadable: add the channel again" in response.content.decode()


def test_delivery_to_an_unreadable_channel_fails_clearly_and_pauses_it(
    db, old_key, webhook, mailoutbox
):
    follower = UserFactory(username="follower", role=Role.ANALYST, email="f@example.org")
    agreement = AgreementFactory(signed_on=timezone.localdate() - timedelta(days=40))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 2 years")
    services.agreement_set_followed(agreement=agreement, by=follower, follow=True)
    channel = channels.channel_add(user=follower, kind="apprise", url=webhook.url("t0k3n"))
    services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IN_PROGRESS,
        reason="Seen in the press",
        by=UserFactory(username="colleague", role=Role.ANALYST),
    )
    old_key.SECRET_KEY = LOST_KEY
    old_key.NOTIFY_PAUSE_AFTER_FAILURES = 1

    run = notifications.notifications_round()
    outcomes = [notifications.batch_deliver(batch_id=pk).outcome for pk in run.batch_ids]

    assert outcomes == [notifications.Outcome.PAUSED]
    assert webhook.attempts == 0
    channel = _read(channel)
    assert channel.paused_at is not None
    assert "can no longer be read" in channel.last_error
    assert "add the channel again" in mailoutbox[0].body


# ---------------------------------------------------------------------------------------------
# Migration 0030 encrypts the URLs stored before it, and undoing it decrypts them


def _store_raw(channel: NotificationChannel, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_notificationchannel SET url = %s WHERE id = %s", [value, channel.pk]
        )


def test_the_migration_encrypts_existing_urls_and_undoing_it_decrypts_them(analyst, old_key):
    channel = _channel(analyst)
    _store_raw(channel, SLACK)  # as before the migration
    with connection.schema_editor() as editor:
        migration.encrypt_urls(apps, editor)
        assert _stored(channel).startswith("gAAAA")
        assert _read(channel).url == SLACK
        migration.encrypt_urls(apps, editor)  # run again: not encrypted twice
        assert _read(channel).url == SLACK
        migration.decrypt_urls(apps, editor)
    assert _stored(channel) == SLACK


def test_undoing_the_migration_refuses_an_unreadable_url(unreadable):
    with (
        pytest.raises(RuntimeError, match="cannot be decrypted"),
        connection.schema_editor() as editor,
    ):
        migration.decrypt_urls(apps, editor)
