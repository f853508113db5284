"""Deadline extensions keep the first date and show lateness against both."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tracker import services
from tracker.models import DeadlineExtension

from ..factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_an_extension_keeps_the_first_due_date(commitment, editor):
    services.commitment_extend_deadline(
        commitment=commitment,
        wording="by 31 July 2026",
        reason="Agreed at the June talks",
        source_title="Joint statement",
        by=editor,
    )
    commitment.refresh_from_db()
    assert commitment.original_due_on == datetime.date(2026, 4, 30)
    assert commitment.due_on == datetime.date(2026, 7, 31)
    assert commitment.timeline_wording == "by 31 July 2026"
    extension = DeadlineExtension.objects.get()
    assert (extension.previous_wording, extension.previous_due_on) == (
        "within 3 months",
        datetime.date(2026, 4, 30),
    )


def test_a_second_extension_still_keeps_the_first_date(commitment, editor):
    for wording in ("by 31 July 2026", "by 30 September 2026"):
        services.commitment_extend_deadline(
            commitment=commitment, wording=wording, reason="again", by=editor
        )
    commitment.refresh_from_db()
    assert commitment.original_due_on == datetime.date(2026, 4, 30)
    assert commitment.extensions.count() == 2


def test_lateness_against_both_deadlines(commitment, editor):
    services.commitment_extend_deadline(
        commitment=commitment, wording="by 31 July 2026", reason="r", by=editor
    )
    today = datetime.date(2026, 8, 10)
    assert commitment.days_overdue(today) == 10
    assert commitment.days_late_against_original(today) == 102
    assert commitment.days_late_against_original(datetime.date(2026, 4, 1)) is None


@pytest.mark.parametrize(
    ("wording", "message"),
    [
        ("by 1 March 2026", "is not later than the current one"),
        ("ongoing", "An extension needs a deadline"),
        ("when convenient", "cannot be read as a deadline"),
    ],
)
def test_a_bad_extension_is_refused_and_changes_nothing(commitment, editor, wording, message):
    with pytest.raises(ValidationError, match=message):
        services.commitment_extend_deadline(
            commitment=commitment, wording=wording, reason="r", by=editor
        )
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 4, 30)
    assert commitment.original_due_on is None
    assert not DeadlineExtension.objects.exists()


def test_an_extension_needs_a_reason(commitment, editor):
    with pytest.raises(ValidationError, match="Say why"):
        services.commitment_extend_deadline(
            commitment=commitment, wording="by 31 July 2026", reason=" ", by=editor
        )


def test_an_extension_counted_from_a_milestone_follows_it(agreement, editor):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    talks = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 5, 1))
    services.commitment_extend_deadline(
        commitment=commitment, wording="within 2 months", milestone=talks, reason="r", by=editor
    )
    services.milestone_set_date(milestone=talks, date=datetime.date(2026, 6, 1))
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 8, 1)
    assert commitment.original_due_on == datetime.date(2026, 2, 28)
