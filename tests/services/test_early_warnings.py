"""At risk, stale, blocked and disputed: each rule on frozen dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tracker import selectors, services
from tracker.models import Commitment, CommitmentStatus, Role, Stance

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db
# The fixture agreement is signed on 31 January 2026; "within 90 days" is due on 1 May.
SIGNED = datetime.date(2026, 1, 31)


def _flags(commitment, today: datetime.date) -> dict:
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    row = selectors.with_warnings(
        Commitment.objects.filter(pk=commitment.pk), today=today, now=now
    ).get()
    return {"at_risk": row.is_at_risk, "stale": row.is_stale, "blocked": row.is_blocked}


def _with_status(commitment, status, analyst):
    if status != commitment.status:
        services.commitment_set_status(commitment=commitment, status=status, reason="r", by=analyst)
    return commitment


@pytest.mark.parametrize(
    ("status", "today", "at_risk"),
    [
        # 90 days in all: a third left is 30 days before the deadline (1 April).
        (CommitmentStatus.NOT_STARTED, datetime.date(2026, 3, 31), False),
        (CommitmentStatus.NOT_STARTED, datetime.date(2026, 4, 2), True),
        (CommitmentStatus.STALLED, datetime.date(2026, 4, 2), True),
        # a tenth left is 9 days before the deadline (22 April)
        (CommitmentStatus.IN_PROGRESS, datetime.date(2026, 4, 20), False),
        (CommitmentStatus.IN_PROGRESS, datetime.date(2026, 4, 24), True),
        (CommitmentStatus.PARTIAL, datetime.date(2026, 4, 30), False),
        (CommitmentStatus.IMPLEMENTED, datetime.date(2026, 4, 30), False),
        # once overdue it is late, no longer "at risk"
        (CommitmentStatus.NOT_STARTED, datetime.date(2026, 5, 2), False),
    ],
)
def test_at_risk_follows_the_pace_rule(agreement, analyst, status, today, at_risk):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 90 days")
    assert commitment.due_on == datetime.date(2026, 5, 1)
    _with_status(commitment, status, analyst)
    assert _flags(commitment, today)["at_risk"] is at_risk


def test_the_pace_rule_is_configurable(agreement, settings):
    settings.AT_RISK_SHARE_LEFT = {**settings.AT_RISK_SHARE_LEFT, "not_started": 0.5}
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 90 days")
    assert _flags(commitment, datetime.date(2026, 3, 20))["at_risk"] is True


def test_at_risk_counts_from_the_milestone(agreement):
    from ..factories import MilestoneFactory

    talks = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 4, 1))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 30 days", deadline_milestone=talks
    )
    # due 1 May; a third of 30 days is 10: at risk from 21 April
    assert _flags(commitment, datetime.date(2026, 4, 19))["at_risk"] is False
    assert _flags(commitment, datetime.date(2026, 4, 22))["at_risk"] is True


def test_stale_when_no_evidence_for_sixty_days(time_machine, agreement):
    time_machine.move_to(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    assert _flags(commitment, datetime.date(2026, 3, 15))["stale"] is False
    assert _flags(commitment, datetime.date(2026, 4, 15))["stale"] is True


def test_recent_evidence_keeps_it_fresh_but_retracted_evidence_does_not(
    time_machine, agreement, analyst
):
    time_machine.move_to(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    evidence = EvidenceFactory(
        commitment=commitment,
        logged_at=timezone.make_aware(datetime.datetime(2026, 4, 1)),
    )
    assert _flags(commitment, datetime.date(2026, 4, 15))["stale"] is False
    services.evidence_retract(evidence=evidence, reason="wrong", by=analyst)
    assert _flags(commitment, datetime.date(2026, 4, 15))["stale"] is True


def test_a_closed_commitment_is_never_stale(time_machine, agreement, analyst):
    time_machine.move_to(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    _with_status(commitment, CommitmentStatus.IMPLEMENTED, analyst)
    assert _flags(commitment, datetime.date(2026, 6, 1))["stale"] is False


def test_blocked_when_a_prerequisite_is_overdue(agreement):
    release = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    talks = CommitmentFactory(agreement=agreement, timeline_wording="within 6 months")
    services.commitment_set_dependencies(commitment=talks, prerequisites=[release])
    assert _flags(talks, datetime.date(2026, 2, 15))["blocked"] is False
    services.overdue_scan(today=datetime.date(2026, 3, 5))
    assert _flags(talks, datetime.date(2026, 3, 5))["blocked"] is True


def test_a_cycle_of_prerequisites_is_refused_naming_it(agreement):
    a, b, c = (CommitmentFactory(agreement=agreement, reference=r) for r in ("A", "B", "C"))
    services.commitment_set_dependencies(commitment=b, prerequisites=[a])
    services.commitment_set_dependencies(commitment=c, prerequisites=[b])
    with pytest.raises(ValidationError) as raised:
        services.commitment_set_dependencies(commitment=a, prerequisites=[c])
    assert raised.value.message_dict["depends_on"] == [
        "That would make a circle of prerequisites: A → C → B → A."
    ]
    assert not a.depends_on.exists()


def test_a_commitment_cannot_depend_on_itself_or_another_agreement(agreement):
    own = CommitmentFactory(agreement=agreement)
    foreign = CommitmentFactory(agreement=AgreementFactory(), reference="X.1")
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.commitment_set_dependencies(commitment=own, prerequisites=[own])
    with pytest.raises(ValidationError, match=r"X\.1: only commitments of the same agreement"):
        services.commitment_set_dependencies(commitment=own, prerequisites=[foreign])


def _claim(commitment, party, stance):
    analyst = UserFactory(username="claims-analyst", role=Role.ANALYST)
    return services.evidence_log(
        commitment=commitment,
        by=analyst,
        summary=f"{party.code} says",
        stance=stance,
        claimed_by=party,
    )


def test_disputed_when_the_parties_claims_disagree(agreement, analyst):
    first, second = agreement.parties.order_by("code")
    commitment = CommitmentFactory(agreement=agreement)
    _claim(commitment, first, Stance.PROGRESS)
    assert not Commitment.objects.get(pk=commitment.pk).is_disputed
    denial = _claim(commitment, second, Stance.SETBACK)
    assert Commitment.objects.get(pk=commitment.pk).is_disputed
    services.evidence_retract(evidence=denial, reason="withdrawn", by=analyst)
    assert not Commitment.objects.get(pk=commitment.pk).is_disputed


def test_a_partys_latest_claim_is_the_one_that_counts(agreement):
    first, second = agreement.parties.order_by("code")
    commitment = CommitmentFactory(agreement=agreement)
    _claim(commitment, first, Stance.PROGRESS)
    _claim(commitment, second, Stance.SETBACK)
    _claim(commitment, second, Stance.PROGRESS)
    assert not Commitment.objects.get(pk=commitment.pk).is_disputed


def test_a_claim_by_an_outsider_is_refused(agreement):
    from ..factories import PartyFactory

    commitment = CommitmentFactory(agreement=agreement)
    with pytest.raises(ValidationError, match="IND is not a party to this agreement"):
        _claim(commitment, PartyFactory(code="IND"), Stance.PROGRESS)
