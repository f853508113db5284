"""Notifications of proposals waiting in the evidence inbox (issue 23), end to end against the
JSON webhook on 127.0.0.1: one line per agreement with the link to its inbox, each proposal
once per channel, only while it waits, never to an outsider of a restricted agreement, and
the same queries however many proposals there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker import notifications, services
from tracker.models import BatchStatus, Notification, NotificationBatch, Role, Stance
from tracker.notifications import channels

from .factories import AgreementFactory, CommitmentFactory, UserFactory
from .sources.conftest import propose


@pytest.fixture
def agreement(db):
    return AgreementFactory(title="Border accord", slug="border-accord")


@pytest.fixture
def commitment(agreement):
    return CommitmentFactory(agreement=agreement, reference="2.1", title="Joint patrols")


@pytest.fixture
def other_analyst(db):
    return UserFactory(username="colleague", role=Role.ANALYST)


def _wants_proposals(user, webhook, path="hook"):
    channel = channels.channel_add(user=user, kind="apprise", url=webhook.url(path))
    user.notification_settings.on_proposal = True
    user.notification_settings.save()
    return channel


@pytest.fixture
def hook_channel(analyst, agreement, webhook):
    """The analyst follows the agreement and chose proposals on a webhook channel."""
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    return _wants_proposals(analyst, webhook)


def _send_round(now=None):
    run = notifications.notifications_round(now=now)
    return [notifications.batch_deliver(batch_id=pk, now=now).outcome for pk in run.batch_ids]


def test_it_tells_new_proposals_once_in_one_line_per_agreement_with_its_inbox(
    hook_channel, webhook, commitment, agreement
):
    other = CommitmentFactory(agreement=agreement, reference="3.1")
    propose(commitment, "https://x.example/1")
    propose(other, "https://x.example/2")

    assert _send_round() == [notifications.Outcome.SENT]
    assert _send_round(now=timezone.now() + timedelta(hours=1)) == []

    assert len(webhook.posts) == 1
    body = webhook.posts[0]["message"]
    assert webhook.posts[0]["title"] == "Commitment tracker: 2 updates"
    assert "2 new proposals wait in the evidence inbox for \u2068Border accord\u2069." in body
    assert "http://testserver/agreements/border-accord/inbox/" in body
    assert body.count("evidence inbox") == 1
    assert Notification.objects.filter(kind="proposal").count() == 2


def test_a_long_message_counts_the_proposals_it_left_out_one_by_one(
    hook_channel, webhook, commitment, other_analyst, monkeypatch
):
    monkeypatch.setattr("tracker.notifications.messages.ITEMS_PER_MESSAGE", 1)
    services.evidence_log(commitment=commitment, by=other_analyst, summary="Patrols began")
    for number in range(3):
        propose(commitment, f"https://x.example/{number}")
    _send_round()
    body = webhook.posts[0]["message"]
    assert webhook.posts[0]["title"] == "Commitment tracker: 4 updates"
    assert "Patrols began" in body
    assert "… and 3 more." in body
    assert "evidence inbox" not in body


def test_it_tells_nothing_of_proposals_to_who_did_not_choose_them(
    analyst, agreement, commitment, webhook
):
    services.agreement_set_followed(agreement=agreement, by=analyst, follow=True)
    channels.channel_add(user=analyst, kind="apprise", url=webhook.url())
    propose(commitment, "https://x.example/1")
    assert _send_round() == []
    assert not Notification.objects.exists()


def test_it_never_announces_a_proposal_decided_before_collection(
    hook_channel, webhook, commitment, other_analyst
):
    rejected = propose(commitment, "https://x.example/1")
    accepted = propose(commitment, "https://x.example/2")
    services.proposal_reject(proposal=rejected, by=other_analyst, reason="Off topic")
    services.proposal_accept(
        proposal=accepted,
        by=other_analyst,
        summary="Patrols began",
        stance=Stance.PROGRESS,
        reliability="B",
        credibility=2,
        claimed_by=None,
    )
    _send_round()
    assert not Notification.objects.filter(kind="proposal").exists()
    assert "evidence inbox" not in "".join(post["message"] for post in webhook.posts)


def test_it_withholds_a_proposal_decided_between_collection_and_sending(
    hook_channel, webhook, commitment, other_analyst
):
    proposal = propose(commitment, "https://x.example/1")
    run = notifications.notifications_round()
    services.proposal_reject(proposal=proposal, by=other_analyst)

    assert notifications.batch_deliver(batch_id=run.batch_ids[0]).outcome == "skipped"
    assert webhook.posts == []
    assert Notification.objects.get(kind="proposal").withheld_at is not None


def test_it_never_tells_an_outsider_of_a_restricted_agreements_proposals(
    webhook, restricted_agreement
):
    insider = UserFactory(username="insider", role=Role.ANALYST)
    restricted_agreement.teams.first().members.add(insider)
    outsider = UserFactory(username="outsider", role=Role.ANALYST)
    for user in (insider, outsider):
        user.followed_agreements.add(restricted_agreement)
        _wants_proposals(user, webhook, user.username)
    propose(restricted_agreement.commitments.get(), "https://x.example/secret")

    _send_round()

    assert [post["path"] for post in webhook.posts] == ["/insider"]
    assert "Secret protocol" in webhook.posts[0]["message"]
    withheld = Notification.objects.get(channel__user=outsider)
    assert withheld.withheld_at is not None
    assert withheld.batch is None


def test_it_collects_and_sends_in_the_same_queries_however_many_proposals(
    hook_channel, webhook, commitment
):
    def round_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for outcome in _send_round():
                assert outcome == notifications.Outcome.SENT
        NotificationBatch.objects.update(
            status=BatchStatus.SENT, created_at=timezone.now() - timedelta(hours=1)
        )
        return len(captured)

    propose(commitment, "https://x.example/first")
    few = round_queries()
    for number in range(12):
        propose(commitment, f"https://x.example/{number}")
    assert round_queries() == few
    assert "12 new proposals wait" in webhook.posts[-1]["message"]
