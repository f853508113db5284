"""manage.py recompute_due_dates: the operator's way to read every timeline again, for
commitments saved before the engine read what their wording says."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from tracker.models import Commitment, Milestone

from .factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _recompute(*args: str) -> str:
    out = io.StringIO()
    call_command("recompute_due_dates", *args, stdout=out)
    return out.getvalue()


def _as_saved_long_ago(commitment: Commitment, **row) -> None:
    """The row as an earlier version of the app left it (past the services)."""
    Commitment.objects.filter(pk=commitment.pk).update(**row)


def test_a_wording_naming_an_event_waits_for_its_milestone_after_a_recompute():
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="upon ratification")
    _as_saved_long_ago(
        commitment, deadline_milestone=None, due_on=agreement.signed_on, timeline_kind=None
    )
    Milestone.objects.filter(agreement=agreement, name="Ratification").delete()

    assert "1 commitment changed" in _recompute()

    commitment.refresh_from_db()
    milestone = Milestone.objects.get(agreement=agreement, name__iexact="ratification")
    assert (commitment.deadline_milestone_id, milestone.date) == (milestone.pk, None)
    assert commitment.due_on is None
    assert commitment.is_pending
    assert commitment.history.latest().history_change_reason == "Deadline recomputed"


def test_it_changes_nothing_that_is_already_right_and_can_be_limited_to_slugs():
    first, second = AgreementFactory(), AgreementFactory()
    CommitmentFactory(agreement=first)
    stale = CommitmentFactory(agreement=second, timeline_wording="within 30 days")
    _as_saved_long_ago(stale, due_on=datetime.date(2000, 1, 1))

    assert _recompute(first.slug).strip() == (
        "Read the timelines of 1 agreement again: 0 commitments changed."
    )
    assert "2 agreements again: 1 commitment changed" in _recompute()
    stale.refresh_from_db()
    assert stale.due_on == second.signed_on + datetime.timedelta(days=30)


def test_an_unknown_slug_is_refused_before_anything_is_done():
    commitment = CommitmentFactory()
    _as_saved_long_ago(commitment, due_on=datetime.date(2000, 1, 1))
    with pytest.raises(CommandError, match="No agreement with the slug nowhere"):
        _recompute(commitment.agreement.slug, "nowhere")
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2000, 1, 1)
