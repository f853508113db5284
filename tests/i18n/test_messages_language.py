"""E-mails and notifications in their reader's language (issue 23): the digest and the
paused-channel e-mail rendered under the user's language, with its lang and dir; a
notification to a real JSON webhook (Apprise `json://`) written in it too. The words are
proved with what Django itself translates (month names), so that these tests do not depend
on the project's catalogs."""

import datetime
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tracker import digests, emails, notifications, services
from tracker.models import Role, User
from tracker.notifications import channels

from ..factories import AgreementFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def html_lang(html: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', html)
    assert match, "no <html lang dir>"
    return match[1], match[2]


@pytest.fixture
def late_agreement():
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - datetime.timedelta(days=100))
    CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")
    services.overdue_scan(today=today)
    return agreement


def _reader(language: str) -> User:
    return UserFactory(
        username=f"reader-{language or 'none'}", role=Role.ANALYST, language=language
    )


def _digest_of(user, monkeypatch):
    """Send the user's digest, recording the language active while its templates render."""
    seen = []
    render = emails._message

    def recording(*args, **kwargs):
        seen.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(emails, "_message", recording)
    week = digests.latest_due_week(timezone.now())
    digests.deliveries_plan(week=week, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        outcome = digests.digest_deliver(user_id=user.pk, week=week).outcome
    assert outcome == "sent"
    return seen, len(queries)


@pytest.mark.parametrize(
    ("language", "expected", "direction", "month"),
    [("fr", "fr", "ltr", "décembre"), ("ur", "ur", "rtl", "دسمبر"), ("", "en", "ltr", "December")],
)
def test_the_digest_is_written_in_the_users_language(
    late_agreement, mailoutbox, monkeypatch, time_machine, language, expected, direction, month
):
    time_machine.move_to(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC))
    reader = _reader(language)
    with translation.override("de"):  # whatever the sender's own language is
        seen, queries = _digest_of(reader, monkeypatch)
    assert seen == [expected]
    assert queries == 5
    html = mailoutbox[0].alternatives[0][0]
    assert html_lang(html) == (expected, direction)
    assert month in html  # the day written by `long_day`, Django's own month names


def test_the_paused_channel_email_is_in_the_users_language(mailoutbox):
    from tracker.notifications.deliver import _tell_paused

    reader = _reader("ur")
    channel = channels.channel_add(user=reader, kind="email")
    _tell_paused(channel, reader)
    assert html_lang(mailoutbox[0].alternatives[0][0]) == ("ur", "rtl")


def test_a_notification_is_written_in_the_users_language(webhook, monkeypatch, time_machine):
    """The overdue sentence names the due day: in French, with its French month."""
    time_machine.move_to(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC))
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - timedelta(days=100))
    CommitmentFactory(agreement=agreement, reference="1.1", timeline_wording="within 30 days")
    reader = _reader("fr")
    services.agreement_set_followed(agreement=agreement, by=reader, follow=True)
    channels.channel_add(user=reader, kind="apprise", url=webhook.url("t0k3n"))
    from tracker.notifications import messages

    seen, describe = [], messages.describe
    monkeypatch.setattr(
        messages, "describe", lambda item: seen.append(translation.get_language()) or describe(item)
    )
    services.overdue_scan(today=today)
    run = notifications.notifications_round()
    for batch_id in run.batch_ids:
        notifications.batch_deliver(batch_id=batch_id)
    assert seen == ["fr"]
    assert len(webhook.posts) == 1
    due = CommitmentFactory._meta.model.objects.get(reference="1.1").due_on
    with translation.override("fr"):
        from django.utils.formats import date_format

        assert date_format(due, "j F Y") in webhook.posts[0]["message"]
    assert translation.get_language() == "en"
