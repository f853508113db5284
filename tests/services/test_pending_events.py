"""Deadlines counted from an event that has not happened (pending), the event a wording names,
promptness with and without a grace period, and an agreement's public holidays."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tracker import selectors, services
from tracker.models import Commitment, Milestone, MilestoneKind, OverdueFlag

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def negotiations(agreement):
    """The start of negotiations, which has not happened."""
    return MilestoneFactory(
        agreement=agreement,
        kind=MilestoneKind.NEGOTIATIONS,
        name="Start of intra-Afghan negotiations",
        date=None,
    )


@pytest.fixture
def pending(agreement, negotiations):
    return CommitmentFactory(
        agreement=agreement,
        reference="3.1",
        timeline_wording="within three months of the start of intra-Afghan negotiations",
    )


def test_a_wording_naming_an_undated_event_is_pending(pending, negotiations):
    assert pending.deadline_milestone == negotiations
    assert pending.due_on is None
    assert pending.timeline_kind == "offset"
    assert pending.is_pending
    assert pending.deadline_reading == (
        "due 3 months after the start of intra-Afghan negotiations, which has not happened"
    )


def test_a_pending_commitment_is_never_flagged_overdue_by_the_scan(pending):
    run = services.overdue_scan(today=D(2030, 1, 1))
    assert run.flagged == 0
    assert not OverdueFlag.objects.filter(commitment=pending).exists()


def test_a_pending_commitment_is_never_due_soon(pending, admin_user):
    CommitmentFactory(agreement=pending.agreement, timeline_wording="within 1 month")
    due, total = selectors.commitments_due_soon(
        admin_user, today=D(2026, 2, 1), days=3650, limit=50
    )
    assert pending.pk not in [row.id for row in due]
    assert total == 1


def test_dating_the_event_gives_the_pending_commitment_its_date(pending, negotiations, editor):
    services.milestone_set_date(milestone=negotiations, date=D(2026, 5, 31), by=editor)
    pending.refresh_from_db()
    assert pending.due_on == D(2026, 8, 31)
    assert not pending.is_pending
    assert pending.history.latest().history_user == editor


def test_taking_the_date_away_makes_it_pending_again_and_clears_its_flag(pending, negotiations):
    services.milestone_set_date(milestone=negotiations, date=D(2026, 2, 1))
    services.overdue_scan(today=D(2026, 6, 1))
    assert OverdueFlag.objects.filter(commitment=pending, cleared_at__isnull=True).exists()
    services.milestone_set_date(milestone=negotiations, date=None)
    pending.refresh_from_db()
    assert pending.due_on is None
    services.overdue_scan(today=D(2026, 6, 2))
    assert not OverdueFlag.objects.filter(commitment=pending, cleared_at__isnull=True).exists()


def test_the_signing_cannot_lose_its_date(agreement):
    with pytest.raises(ValidationError):
        services.milestone_set_date(milestone=agreement.milestones.get(), date=None)


def test_upon_ratification_makes_an_undated_ratification_milestone(agreement, editor):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="upon ratification")
    ratification = agreement.milestones.get(name="Ratification")
    assert (ratification.kind, ratification.date) == (MilestoneKind.OTHER, None)
    assert ratification.history.count() == 1
    assert commitment.deadline_milestone == ratification
    assert commitment.is_pending
    CommitmentFactory(agreement=agreement, timeline_wording="within 30 days of ratification")
    assert agreement.milestones.filter(name__iexact="ratification").count() == 1


def test_the_event_is_found_by_a_near_name(agreement):
    force = MilestoneFactory(agreement=agreement, name="Entry-into-force", date=D(2026, 3, 1))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 10 days after the entry into force"
    )
    assert commitment.deadline_milestone == force
    assert commitment.due_on == D(2026, 3, 11)


def test_a_milestone_chosen_beside_the_wording_wins_over_the_event_it_names(agreement):
    meeting = MilestoneFactory(agreement=agreement, name="Doha meeting", date=D(2026, 3, 15))
    commitment = CommitmentFactory(
        agreement=agreement,
        timeline_wording="within 1 month of ratification",
        deadline_milestone=meeting,
    )
    assert commitment.due_on == D(2026, 4, 15)
    assert not agreement.milestones.filter(name="Ratification").exists()


def test_a_new_wording_drops_the_event_the_old_one_linked(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="upon ratification")
    commitment.timeline_wording = "within 1 month"
    services.commitment_save(commitment=commitment)
    assert commitment.deadline_milestone is None
    assert commitment.due_on == D(2026, 2, 28)


def test_a_refused_save_leaves_no_event_milestone_behind(agreement):
    with pytest.raises(ValidationError):
        CommitmentFactory(agreement=agreement, reference="", timeline_wording="upon ratification")
    assert not Milestone.objects.filter(name="Ratification").exists()


def test_prompt_without_a_grace_period_has_no_date(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="as soon as possible")
    assert (commitment.timeline_kind, commitment.due_on) == ("prompt", None)
    assert not commitment.is_pending
    assert commitment.deadline_reading == "no fixed date, expected promptly"
    assert services.overdue_scan(today=D(2030, 1, 1)).flagged == 0


def test_prompt_with_a_grace_period_is_due_and_flagged(agreement, editor):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="immediately")
    agreement.prompt_grace_days = 30
    services.agreement_save(agreement=agreement, parties=agreement.parties.all(), by=editor)
    commitment.refresh_from_db()
    assert commitment.due_on == D(2026, 3, 2)
    assert services.overdue_scan(today=D(2026, 3, 3)).flagged == 1
    agreement.prompt_grace_days = None
    services.agreement_save(agreement=agreement, parties=agreement.parties.all(), by=editor)
    commitment.refresh_from_db()
    assert commitment.due_on is None


def test_a_grace_period_must_be_positive(agreement):
    agreement.prompt_grace_days = 0
    with pytest.raises(ValidationError) as raised:
        services.agreement_save(agreement=agreement, parties=agreement.parties.all())
    assert "prompt_grace_days" in raised.value.message_dict


def test_working_days_skip_the_agreements_holidays(editor):
    agreement = AgreementFactory(signed_on=D(2026, 3, 19))  # a Thursday
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 3 working days")
    assert commitment.due_on == D(2026, 3, 24)
    changed = services.agreement_set_holidays(
        agreement=agreement, holidays={D(2026, 3, 23): "Pakistan Day"}, by=editor
    )
    commitment.refresh_from_db()
    assert changed
    assert commitment.due_on == D(2026, 3, 25)
    assert agreement.holidays.get().history.latest().history_user == editor
    services.agreement_set_holidays(agreement=agreement, holidays={}, by=editor)
    commitment.refresh_from_db()
    assert commitment.due_on == D(2026, 3, 24)


def test_a_new_commitment_counts_working_days_without_the_holidays(editor):
    agreement = AgreementFactory(signed_on=D(2026, 3, 19))
    services.agreement_set_holidays(agreement=agreement, holidays={D(2026, 3, 20): ""})
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 working day")
    assert commitment.due_on == D(2026, 3, 23)


def test_a_recount_links_an_event_wording_saved_before_the_rule(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    Commitment.objects.filter(pk=commitment.pk).update(
        timeline_wording="within 1 month of the exchange of instruments"
    )
    services.agreement_recompute_due_dates(agreement=agreement)
    commitment.refresh_from_db()
    assert commitment.deadline_milestone.name == "Exchange of instruments"
    assert commitment.due_on is None


def test_a_draft_counted_from_the_talks_waits_for_them(agreement, editor):
    commitment = Commitment(
        reference="9.1", title="Hold talks", timeline_wording="three months after the talks start"
    )
    services.agreement_accept_draft(agreement=agreement, commitments=[(commitment, [])], by=editor)
    commitment.refresh_from_db()
    assert commitment.deadline_milestone.name == "Talks start"
    assert commitment.deadline_milestone.date is None
    assert commitment.due_on is None


def test_an_extension_counted_from_an_undated_event_is_refused_and_says_why(agreement, editor):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    with pytest.raises(ValidationError) as raised:
        services.commitment_extend_deadline(
            commitment=commitment,
            wording="within 1 month of ratification",
            reason="Talks",
            by=editor,
        )
    assert (
        "“Ratification”, which has not happened" in raised.value.message_dict["timeline_wording"][0]
    )
    assert not agreement.milestones.filter(name="Ratification").exists()
    commitment.refresh_from_db()
    assert commitment.due_on == D(2026, 2, 28)
