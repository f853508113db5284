"""The services the importer (and later the API) writes agreements and milestones through."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tracker import services
from tracker.models import Agreement, Milestone, MilestoneKind

from ..factories import CommitmentFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_agreement_save_needs_two_parties():
    agreement = Agreement(slug="solo", title="Solo", signed_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="at least two parties"):
        services.agreement_save(agreement=agreement, parties=[PartyFactory()])
    assert not Agreement.objects.exists()


def test_agreement_save_creates_the_signing_milestone_and_follows_the_date():
    agreement = Agreement(slug="duo", title="Duo", signed_on=datetime.date(2026, 1, 31))
    services.agreement_save(agreement=agreement, parties=PartyFactory.create_batch(2))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    agreement.signed_on = datetime.date(2026, 3, 31)
    services.agreement_save(agreement=agreement, parties=agreement.parties.all())
    assert agreement.milestones.get(kind=MilestoneKind.SIGNING).date == datetime.date(2026, 3, 31)
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 4, 30)


def test_a_party_cannot_leave_while_responsible(agreement):
    leaving, staying = agreement.parties.order_by("code")
    CommitmentFactory(agreement=agreement, reference="1.1", responsible=[leaving])
    with pytest.raises(ValidationError, match=f"{leaving.code} \\(for 1.1\\) cannot leave"):
        services.agreement_save(agreement=agreement, parties=[staying, PartyFactory()])
    assert leaving in agreement.parties.all()


def test_milestone_save_moves_the_due_dates_counted_from_it(agreement):
    milestone = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 15))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", deadline_milestone=milestone
    )
    milestone.date = datetime.date(2026, 5, 1)
    services.milestone_save(milestone=milestone)
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 6, 1)


def test_milestone_save_refuses_the_signing(agreement):
    signing = agreement.milestones.get(kind=MilestoneKind.SIGNING)
    signing.date = datetime.date(2026, 2, 1)
    with pytest.raises(ValidationError):
        services.milestone_save(milestone=signing)
    assert Milestone.objects.get(pk=signing.pk).date == datetime.date(2026, 1, 31)


def test_evidence_check_dates_refuses_the_future():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        services.evidence_check_dates(occurred_on=tomorrow, source_date=None)
    assert error.value.message_dict == {"occurred_on": ["This date is in the future."]}
    services.evidence_check_dates(occurred_on=datetime.date(2026, 1, 1), source_date=None)
