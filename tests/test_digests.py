"""The weekly digest's content: restricted agreements, sections, order, links, scope, weeks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker import digests, services, tasks
from tracker.models import (
    Agreement,
    CommitmentStatus,
    DigestDelivery,
    DigestScope,
    DigestStatus,
    Role,
)

from .factories import (
    AgreementFactory,
    CommitmentFactory,
    MilestoneFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PKT = datetime.timezone(datetime.timedelta(hours=5))  # Asia/Karachi, the suite's TIME_ZONE
WEEK = "2026-W12"  # due Monday 16 March 2026 at 07:00; reports from 9 March 07:00


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=PKT)


@pytest.fixture
def world(time_machine):
    """Analyst in team Alpha. Open accord and Alpha's agreement are visible, Bravo's is not."""
    alpha, bravo = TeamFactory(name="Alpha"), TeamFactory(name="Bravo")
    analyst = UserFactory(username="ana", role=Role.ANALYST)
    alpha.members.add(analyst)
    open_accord = AgreementFactory(title="Open accord", slug="open-accord")
    alpha_deal = AgreementFactory(title="Alpha deal", slug="alpha-deal")
    alpha_deal.teams.add(alpha)
    bravo_deal = AgreementFactory(title="Bravo deal", slug="bravo-deal")
    bravo_deal.teams.add(bravo)
    make = CommitmentFactory
    c = {
        "open-late": make(
            agreement=open_accord, reference="O.1", timeline_wording="within 1 month"
        ),
        "open-later": make(
            agreement=open_accord, reference="O.2", timeline_wording="within 3 months"
        ),
        "open-soon": make(
            agreement=open_accord, reference="O.3", timeline_wording="by 20 March 2026"
        ),
        "alpha-latest": make(
            agreement=alpha_deal, reference="A.1", timeline_wording="within two weeks"
        ),
        "alpha-new": make(
            agreement=alpha_deal, reference="A.2", timeline_wording="by 10 March 2026"
        ),
        "alpha-done": make(
            agreement=alpha_deal, reference="A.3", timeline_wording="within 1 month"
        ),
        "bravo-late": make(
            agreement=bravo_deal, reference="B.1", timeline_wording="within two weeks"
        ),
        "bravo-done": make(
            agreement=bravo_deal, reference="B.2", timeline_wording="within 1 month"
        ),
    }
    services.overdue_scan(today=datetime.date(2026, 3, 5), now=at(5))
    services.overdue_scan(today=datetime.date(2026, 3, 11), now=at(11))
    for key in ("alpha-done", "bravo-done"):
        services.commitment_set_status(
            commitment=c[key],
            status=CommitmentStatus.IMPLEMENTED,
            reason="Done",
            by=analyst,
            at=at(12),
        )
    time_machine.move_to(at(16, 8), tick=False)
    return {"analyst": analyst, "commitments": c, "alpha": alpha}


def _send(user) -> str:
    return tasks.send_digest(user.pk, WEEK)


def test_it_sends_one_multipart_email_with_only_the_agreements_the_user_may_see(world, mailoutbox):
    assert _send(world["analyst"]) == "sent"
    (message,) = mailoutbox
    html = message.alternatives[0].content
    assert message.to == ["ana@example.org"]
    assert message.alternatives[0].mimetype == "text/html"
    for body in (message.body, html):
        assert "Alpha deal" in body
        assert "Open accord" in body
        assert "Bravo deal" not in body
        assert "B.1" not in body
        assert "B.2" not in body


def test_it_groups_overdue_by_agreement_most_overdue_first_with_days_and_links(world, mailoutbox):
    _send(world["analyst"])
    body = mailoutbox[0].body
    overdue = body.split("OVERDUE (3)")[1].split("BECAME OVERDUE")[0]
    c = world["commitments"]
    # Alpha's A.1 (due 14 Feb) is the most overdue of all, so Alpha comes first.
    assert overdue.index("Alpha deal") < overdue.index("A.1") < overdue.index("A.2")
    assert overdue.index("A.2") < overdue.index("Open accord") < overdue.index("O.1")
    assert "30 days overdue (due 14 Feb 2026)" in overdue
    assert "6 days overdue (due 10 Mar 2026)" in overdue
    assert "16 days overdue (due 28 Feb 2026)" in overdue
    assert f"http://testserver/commitments/{c['alpha-latest'].pk}/" in overdue
    assert "http://testserver/agreements/alpha-deal/" in overdue
    assert "A.3" not in overdue  # implemented, no longer overdue


def test_a_digest_covers_the_most_overdue_agreements_and_says_how_many_it_left_out(
    world, mailoutbox, monkeypatch
):
    """At thousands of visible agreements a digest of all of them is no e-mail anyone reads
    (nor builds in time): it covers the most overdue ones and points to the overdue page."""
    monkeypatch.setattr(digests.content, "AGREEMENTS_PER_DIGEST", 1)
    assert _send(world["analyst"]) == "sent"
    message = mailoutbox[0]
    html = message.alternatives[0].content
    # Alpha deal has two overdue commitments, the open accord one.
    assert "covers the 1 agreement with the most overdue commitments, of the 2 you chose" in (
        message.body
    )
    assert "1 more is on the overdue page: http://testserver/overdue/" in message.body
    assert "1 more is on the overdue page</a>" in html
    for body in (message.body, html):
        assert "Alpha deal" in body
        assert "Open accord" not in body
        assert "O.1" not in body


def test_a_digest_that_covers_everything_says_nothing_of_left_out_agreements(world, mailoutbox):
    _send(world["analyst"])
    for body in (mailoutbox[0].body, mailoutbox[0].alternatives[0].content):
        assert "on the overdue page" not in body


def test_it_says_what_became_overdue_and_was_implemented_in_the_week(world, mailoutbox):
    _send(world["analyst"])
    body = mailoutbox[0].body
    became = body.split("BECAME OVERDUE")[1].split("IMPLEMENTED")[0]
    implemented = body.split("IMPLEMENTED in the same days")[1].split("DUE IN THE NEXT")[0]
    # Flagged on 11 March, inside the week; A.1 and O.1 were flagged on 5 March, before it.
    assert "A.2" in became
    assert "A.1" not in became
    assert "O.1" not in became
    assert "A.3" in implemented
    assert "B.2" not in implemented


def test_it_names_the_days_it_covers_not_a_last_digest(world, mailoutbox):
    """The first digest a user gets had no digest before it: the window is what it covers."""
    _send(world["analyst"])
    message = mailoutbox[0]
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "last digest" not in body
    assert "BECAME OVERDUE from 9 Mar 2026 07:00 to 16 Mar 2026 07:00" in message.body
    assert "Became overdue from 9 Mar 2026 07:00 to 16 Mar 2026 07:00</h2>" in html


def _codes(commitment) -> str:
    return " · ".join(party.code for party in commitment.responsible_parties.order_by("name"))


def test_it_says_who_is_responsible_for_each_overdue_item(world, mailoutbox):
    c = world["commitments"]
    _send(world["analyst"])
    message = mailoutbox[0]
    overdue = message.body.split("OVERDUE (3)")[1].split("BECAME OVERDUE")[0]
    for key in ("alpha-latest", "alpha-new", "open-late"):
        assert f"late: \u2068{_codes(c[key])}\u2069" in overdue, key
    became = message.body.split("BECAME OVERDUE")[1].split("IMPLEMENTED")[0]
    assert f"responsible: \u2068{_codes(c['alpha-new'])}\u2069" in became
    assert f"responsible: <bdi>{_codes(c['alpha-new'])}</bdi>" in message.alternatives[0].content


def test_it_lists_what_falls_due_in_the_next_14_days(world, mailoutbox):
    _send(world["analyst"])
    soon = mailoutbox[0].body.split("DUE IN THE NEXT 14 DAYS")[1]
    assert "O.3" in soon
    assert "in 4 days" in soon
    assert "O.2" not in soon  # due 30 April


def test_the_subject_counts_what_matters(world, mailoutbox):
    _send(world["analyst"])
    assert mailoutbox[0].subject == (
        "Commitment tracker, week 2026-W12: 3 overdue, 1 newly late, 1 implemented, 1 due soon"
    )


def test_it_carries_one_click_unsubscribe_headers_and_a_fixed_message_id(world, mailoutbox):
    analyst = world["analyst"]
    _send(analyst)
    headers = mailoutbox[0].extra_headers
    token = digests.unsubscribe_token(analyst)
    assert headers["List-Unsubscribe"] == f"<http://testserver/unsubscribe/{token}/>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"] == f"<digest.2026-W12.{analyst.pk}@testserver>"
    assert f"http://testserver/unsubscribe/{token}/" in mailoutbox[0].body


def test_it_covers_only_followed_agreements_when_asked(world, mailoutbox):
    analyst = world["analyst"]
    analyst.followed_agreements.add(world["commitments"]["open-late"].agreement)
    analyst.digest_scope = DigestScope.FOLLOWED
    analyst.save()
    _send(analyst)
    body = mailoutbox[0].body
    assert "Open accord" in body
    assert "Alpha deal" not in body


def test_it_never_shows_a_followed_agreement_the_user_may_no_longer_see(world, mailoutbox):
    analyst = world["analyst"]
    analyst.followed_agreements.add(world["commitments"]["bravo-late"].agreement)
    analyst.digest_scope = DigestScope.FOLLOWED
    analyst.save()
    assert _send(analyst) == "skipped"
    assert mailoutbox == []


def test_it_sends_nothing_when_there_is_nothing_to_say(world, mailoutbox):
    stranger = UserFactory(username="stranger", role=Role.VIEWER)
    TeamFactory(name="Nobody").members.add(stranger)
    # The open accord becomes Alpha's: the stranger can see no agreement at all.
    world["commitments"]["open-late"].agreement.teams.add(world["alpha"])
    assert _send(stranger) == "skipped"
    assert mailoutbox == []
    delivery = DigestDelivery.objects.get(user=stranger, week=WEEK)
    assert delivery.status == DigestStatus.SKIPPED


def test_admins_see_every_agreement_in_their_digest(world, mailoutbox, admin_user):
    _send(admin_user)
    assert "Bravo deal" in mailoutbox[0].body


def test_it_sends_one_digest_in_five_queries_whatever_the_number_of_agreements(world):
    """Claim, user, agreements, commitments (with their responsible parties' codes),
    record; the job planned the rows beforehand."""
    analyst = world["analyst"]
    digests.deliveries_plan(week=WEEK, now=at(16, 8))
    with CaptureQueriesContext(connection) as few:
        digests.digest_deliver(user_id=analyst.pk, week=WEEK)
    for number in range(5):
        deal = AgreementFactory(title=f"Extra {number}")
        deal.teams.add(world["alpha"])
        for _ in range(3):
            CommitmentFactory(agreement=deal, timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 3, 16))
    digests.deliveries_plan(week="2026-W13", now=at(16, 8))
    with CaptureQueriesContext(connection) as many:
        digests.digest_deliver(user_id=analyst.pk, week="2026-W13")
    assert len(few) == len(many) == 5, [query["sql"] for query in many.captured_queries]


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (datetime.datetime(2026, 3, 16, 6, 59, tzinfo=PKT), "2026-W11"),
        (datetime.datetime(2026, 3, 16, 7, 0, tzinfo=PKT), "2026-W12"),
        (datetime.datetime(2026, 3, 22, 23, 0, tzinfo=PKT), "2026-W12"),
        # 1 January 2027 is in ISO week 53 of 2026.
        (datetime.datetime(2027, 1, 1, 12, 0, tzinfo=PKT), "2026-W53"),
    ],
)
def test_it_names_the_week_whose_digest_fell_due_last(now, week):
    assert digests.latest_due_week(now) == week


def test_the_weeks_windows_tile_from_one_digest_time_to_the_next():
    since, until = digests.window("2026-W12")
    assert (since, until) == (at(9, 7), at(16, 7))
    assert digests.window("2026-W13")[0] == until


@pytest.mark.parametrize(
    ("text", "error"),
    [("2026-12", "is not an ISO week"), ("2025-W53", "2025 has no week 53"), ("W12", "YYYY-Www")],
)
def test_it_refuses_a_week_that_is_not_an_iso_week(text, error):
    with pytest.raises(ValueError, match=error):
        digests.parse_week(text)


def test_the_digest_warns_of_risk_blockage_dispute_and_staleness(time_machine):
    """Entered on 10 January, signed 31 January 2026; the digest of week 12 is built on
    Monday 16 March, more than 60 days later."""
    time_machine.move_to(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))
    analyst = UserFactory(username="warned", role=Role.ANALYST)
    agreement = AgreementFactory(title="Warned accord")
    first, second = agreement.parties.order_by("code")
    late = CommitmentFactory(
        agreement=agreement, reference="W.1", timeline_wording="within 1 month"
    )
    waiting = CommitmentFactory(agreement=agreement, reference="W.2", timeline_wording="ongoing")
    services.commitment_set_dependencies(commitment=waiting, prerequisites=[late])
    risky = CommitmentFactory(
        agreement=agreement, reference="W.3", timeline_wording="by 1 April 2026"
    )
    time_machine.move_to(at(1))
    for party, stance in ((first, "progress"), (second, "setback")):
        services.evidence_log(
            commitment=risky, by=analyst, summary="claim", stance=stance, claimed_by=party
        )
    services.overdue_scan(today=datetime.date(2026, 3, 16), now=at(16, 6))
    time_machine.move_to(at(16, 8))

    digest = digests.digest_build(analyst, week=WEEK, today=datetime.date(2026, 3, 16))

    references = {
        name: [item.commitment.reference for item in items]
        for name, items in digest.warnings.items()
    }
    assert references["at_risk"] == ["W.3"]
    assert references["blocked"] == ["W.2"]
    assert references["disputed"] == ["W.3"]
    assert references["stale"] == ["W.1", "W.2"]
    message = digests.digest_message(digest)
    assert "BLOCKED: a commitment it depends on is overdue" in message.body
    assert "Disputed" in message.alternatives[0][0]


def test_it_names_the_missed_period_of_a_recurring_commitment(world, mailoutbox):
    """Counted from a meeting on 5 October 2025: quarterly, Q4 2025 ended with nothing;
    fortnightly, the fortnight to 7 March was met and the next one is due within 14 days."""
    accord = Agreement.objects.get(slug="open-accord")
    meeting = MilestoneFactory(agreement=accord, date=datetime.date(2025, 10, 5))
    CommitmentFactory(
        agreement=accord,
        reference="O.9",
        timeline_wording="quarterly",
        deadline_milestone=meeting,
    )
    reported = CommitmentFactory(
        agreement=accord,
        reference="O.10",
        timeline_wording="fortnightly",
        deadline_milestone=meeting,
    )
    services.evidence_log(
        commitment=reported,
        by=None,
        summary="Q4 report",
        occurred_on=datetime.date(2026, 3, 1),
        stance="progress",
    )
    services.overdue_scan(today=datetime.date(2026, 3, 12), now=at(12))
    digests.deliveries_plan(week=WEEK, now=at(16, 8))
    with CaptureQueriesContext(connection) as queries:
        digests.digest_deliver(user_id=world["analyst"].pk, week=WEEK)
    assert len(queries) == 5  # the milestone is read with the commitments
    body, html = mailoutbox[0].body, mailoutbox[0].alternatives[0].content
    overdue = body.split("OVERDUE (4)")[1].split("BECAME OVERDUE")[0]
    assert "Q4 2025 missing, 75 days overdue (due 31 Dec 2025)" in overdue
    became = body.split("BECAME OVERDUE")[1].split("IMPLEMENTED")[0]
    assert "O.9" in became
    assert "Q4 2025 missing, due 31 Dec 2025" in became
    assert "Q4 2025 missing · due 31 Dec 2025" in html
    assert body.count("missing") == 2  # only the recurring commitment names a period
    soon = body.split("DUE IN THE NEXT 14 DAYS")[1]
    assert "O.10" in soon
    assert "8 March 2026 – 21 March 2026 owed, due 21 Mar 2026, in 5 days" in soon
