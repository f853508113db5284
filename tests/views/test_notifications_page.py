"""/preferences/notifications/: the events and reminders chosen, and the channels (added after
Apprise reads the URL, shown masked, tested, resumed, deleted), with and without htmx."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tracker.models import NotificationChannel, NotificationSettings, ReminderOffset
from tracker.notifications import channels

pytestmark = pytest.mark.django_db
URL = reverse("tracker:notifications")
TOKEN = "t0k3n-s3cret"


def _add(client, url: str, **extra):
    data = {"action": "add", "channel-kind": "apprise", "channel-url": url, "channel-label": ""}
    return client.post(URL, data, **extra)


def test_it_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_adds_a_channel_and_shows_it_masked(analyst_client, analyst, webhook):
    response = _add(analyst_client, webhook.url(TOKEN))
    assert response.status_code == 302
    channel = NotificationChannel.objects.get(user=analyst)
    assert channel.url == webhook.url(TOKEN)
    page = analyst_client.get(URL).content.decode()
    assert f"json://127.0.0.1:{webhook.port}/…" in page
    assert TOKEN not in page
    # The first channel turns every event on, with the default reminders.
    assert NotificationSettings.objects.get(user=analyst).on_reminder
    assert sorted(ReminderOffset.objects.values_list("days", flat=True)) == [1, 7, 30]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nosuchservice://abc/def", "is not a service Apprise knows"),
        ("", "Enter the service"),
        ("json://169.254.169.254/latest/meta-data", "private, loopback or link-local"),
        ("json://example.org/\x00hook", "Null characters are not"),
        ("json://example.org/ hook", "no spaces or control characters"),
    ],
)
def test_a_bad_url_is_an_error_beside_the_field_and_nothing_is_saved(
    analyst_client, settings, url, words
):
    settings.NOTIFY_ALLOW_PRIVATE_HOSTS = False
    response = _add(analyst_client, url)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_an_htmx_add_answers_the_channels_fragment(analyst_client, webhook):
    response = _add(analyst_client, webhook.url(TOKEN), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="notification-channels"')
    assert "The channel is added" in html
    assert TOKEN not in html
    assert response["Vary"].count("HX-Request") == 1


def test_send_a_test_posts_to_the_service(analyst_client, analyst, webhook):
    channel = channels.channel_add(user=analyst, kind="apprise", url=webhook.url(TOKEN))
    response = analyst_client.post(URL, {"action": "test", "channel": channel.pk}, follow=True)
    assert "Test sent" in response.content.decode()
    assert [post["title"] for post in webhook.posts] == ["Commitment tracker: test message"]


def test_a_failed_test_says_so_without_the_url(analyst_client, analyst, webhook):
    channel = channels.channel_add(user=analyst, kind="apprise", url=webhook.url(TOKEN))
    webhook.fail_next = 1
    response = analyst_client.post(
        URL, {"action": "test", "channel": channel.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "The test was not delivered" in html
    assert TOKEN not in html
    channel.refresh_from_db()
    assert channel.consecutive_failures == 0


def test_delete_and_resume(analyst_client, analyst, webhook):
    channel = channels.channel_add(user=analyst, kind="apprise", url=webhook.url())
    NotificationChannel.objects.filter(pk=channel.pk).update(
        paused_at=timezone.now(), consecutive_failures=5
    )
    page = analyst_client.get(URL).content.decode()
    assert "Paused on" in page
    assert "is paused" in analyst_client.get(reverse("tracker:preferences")).content.decode()
    analyst_client.post(URL, {"action": "resume", "channel": channel.pk})
    channel.refresh_from_db()
    assert channel.paused_at is None
    assert channel.consecutive_failures == 0
    analyst_client.post(URL, {"action": "delete", "channel": channel.pk})
    assert not NotificationChannel.objects.exists()


def test_someone_elses_channel_is_not_found(analyst_client, viewer, webhook):
    channel = channels.channel_add(user=viewer, kind="apprise", url=webhook.url())
    for action in ("test", "resume", "delete"):
        response = analyst_client.post(URL, {"action": action, "channel": channel.pk})
        assert response.status_code == 404
    assert analyst_client.post(URL, {"action": "delete", "channel": "x"}).status_code == 404
    assert NotificationChannel.objects.filter(pk=channel.pk).exists()


def test_an_unknown_action_is_a_bad_request(analyst_client):
    assert analyst_client.post(URL, {"action": "explode"}).status_code == 400


def test_the_email_channel_once(analyst_client, analyst):
    data = {"action": "add", "channel-kind": "email", "channel-url": "", "channel-label": ""}
    assert analyst_client.post(URL, data).status_code == 302
    response = analyst_client.post(URL, data)
    assert "already a channel" in response.content.decode()
    assert NotificationChannel.objects.filter(user=analyst).count() == 1


def test_it_saves_the_events_and_reminders(analyst_client, analyst):
    data = {
        "action": "settings",
        "events-on_status_change": "on",
        "events-on_reminder": "on",
        "events-reminder_offsets": "14, 3;3",
    }
    assert analyst_client.post(URL, data).status_code == 302
    chosen = NotificationSettings.objects.get(user=analyst)
    assert (chosen.on_status_change, chosen.on_evidence, chosen.on_reminder) == (True, False, True)
    assert sorted(ReminderOffset.objects.values_list("days", flat=True)) == [3, 14]


def test_it_saves_the_choice_of_proposals_which_is_off_until_chosen(analyst_client, analyst):
    analyst_client.post(URL, {"action": "settings", "events-reminder_offsets": "7"})
    assert NotificationSettings.objects.get(user=analyst).on_proposal is False
    assert "evidence inbox" in analyst_client.get(URL).content.decode()
    data = {"action": "settings", "events-on_proposal": "on", "events-reminder_offsets": "7"}
    assert analyst_client.post(URL, data).status_code == 302
    assert NotificationSettings.objects.get(user=analyst).on_proposal is True


@pytest.mark.parametrize("offsets", ["0", "400", "seven", "1,2,3,4,5,6,7", "٣"])
def test_bad_reminder_offsets_are_refused_and_nothing_changes(analyst_client, analyst, offsets):
    data = {"action": "settings", "events-on_reminder": "on", "events-reminder_offsets": offsets}
    response = analyst_client.post(URL, data)
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not NotificationSettings.objects.exists()
    assert not ReminderOffset.objects.exists()


def test_the_admin_lists_channels_masked(admin_user, client, webhook):
    channels.channel_add(user=admin_user, kind="apprise", url=webhook.url(TOKEN))
    client.force_login(admin_user)
    listing = client.get(reverse("admin:tracker_notificationchannel_changelist"))
    assert listing.status_code == 200
    assert f"json://127.0.0.1:{webhook.port}/…" in listing.content.decode()
    channel = NotificationChannel.objects.get()
    page = client.get(reverse("admin:tracker_notificationchannel_change", args=[channel.pk]))
    assert page.status_code == 200
    assert TOKEN not in listing.content.decode() + page.content.decode()
    for name in ("notificationbatch", "notification"):
        assert client.get(reverse(f"admin:tracker_{name}_changelist")).status_code == 200


def test_the_page_costs_the_same_queries_whatever_the_channels(analyst_client, analyst, webhook):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert analyst_client.get(URL).status_code == 200
        return len(captured)

    channels.channel_add(user=analyst, kind="apprise", url=webhook.url("one"))
    few = page_queries()
    for number in range(5):
        channels.channel_add(user=analyst, kind="apprise", url=webhook.url(f"more{number}"))
    assert page_queries() == few
