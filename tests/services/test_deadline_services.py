"""Due dates follow their wording and their milestone, in the same transaction."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tracker import services
from tracker.deadlines import TimelineError
from tracker.models import Commitment

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_saving_a_commitment_computes_its_due_date(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 135 days")
    assert commitment.due_on == agreement.signed_on + datetime.timedelta(days=135)


def test_a_timeline_counts_from_its_milestone(agreement):
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 15))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="next month", deadline_milestone=meeting
    )
    assert commitment.due_on == datetime.date(2026, 4, 15)


def test_unreadable_wording_is_an_error_on_the_timeline_field(agreement):
    with pytest.raises(ValidationError) as raised:
        CommitmentFactory(agreement=agreement, timeline_wording="in due course")
    closest = TimelineError("in due course").closest
    assert (
        f"Write it as one of the closest forms it reads: '{closest[0]}'"
        in raised.value.message_dict["timeline_wording"][0]
    )
    assert not Commitment.objects.exists()


def test_a_responsible_party_must_be_a_party_of_the_agreement(agreement):
    outsider = PartyFactory(code="IND")
    with pytest.raises(ValidationError) as raised:
        CommitmentFactory(agreement=agreement, responsible=[outsider])
    assert (
        "IND is not a party to this agreement"
        in raised.value.message_dict["responsible_parties"][0]
    )
    assert not Commitment.objects.exists()


def test_a_milestone_of_another_agreement_is_refused(agreement):
    elsewhere = MilestoneFactory(agreement=AgreementFactory())
    with pytest.raises(ValidationError, match="belongs to another agreement"):
        CommitmentFactory(agreement=agreement, deadline_milestone=elsewhere)


def test_moving_a_milestone_moves_every_due_date_counted_from_it(agreement):
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 15))
    counted = CommitmentFactory(
        agreement=agreement, timeline_wording="within 2 weeks", deadline_milestone=meeting
    )
    from_signing = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    fixed = CommitmentFactory(
        agreement=agreement, timeline_wording="by 1 June 2026", deadline_milestone=meeting
    )

    before = {c.pk: c.updated_at for c in (counted, from_signing, fixed)}
    services.milestone_set_date(milestone=meeting, date=datetime.date(2026, 5, 31))

    for commitment in (counted, from_signing, fixed):
        commitment.refresh_from_db()
    assert counted.due_on == datetime.date(2026, 6, 14)
    assert from_signing.due_on == datetime.date(2026, 2, 28)
    assert fixed.due_on == datetime.date(2026, 6, 1)
    # What moved says so (the calendar's events carry it); what did not, does not.
    assert counted.updated_at > before[counted.pk]
    assert from_signing.updated_at == before[from_signing.pk]


def test_moving_the_signing_moves_the_deadlines_counted_from_it(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    signing = agreement.milestones.get(kind="signing")

    services.milestone_set_date(milestone=signing, date=datetime.date(2026, 1, 15))

    commitment.refresh_from_db()
    agreement.refresh_from_db()
    assert agreement.signed_on == datetime.date(2026, 1, 15)
    assert commitment.due_on == datetime.date(2026, 2, 15)


def test_a_failed_recomputation_leaves_the_milestone_where_it_was(agreement):
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 15))
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    # Wording that slipped past the forms (an old row, a raw SQL edit).
    Commitment.objects.update(timeline_wording="whenever")

    with pytest.raises(ValidationError), transaction.atomic():
        services.milestone_set_date(milestone=meeting, date=datetime.date(2026, 4, 1))

    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2026, 3, 15)


def test_the_signing_milestone_follows_the_agreement_date():
    agreement = AgreementFactory(signed_on=datetime.date(2025, 12, 1))
    agreement.signed_on = datetime.date(2025, 12, 5)
    agreement.save()
    services.agreement_sync_signing(agreement=agreement)
    assert agreement.milestones.get(kind="signing").date == datetime.date(2025, 12, 5)
    assert agreement.milestones.count() == 1
