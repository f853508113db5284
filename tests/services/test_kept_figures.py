"""The figures kept on each agreement follow its commitments, statuses and overdue flags."""

import datetime

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Agreement, Commitment, CommitmentStatus

from ..factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _figures(agreement) -> tuple:
    agreement = Agreement.objects.get(pk=agreement.pk)
    return (
        agreement.commitment_count,
        agreement.scored_count,
        agreement.score_points,
        agreement.overdue_count,
    )


def test_a_new_commitment_is_counted(agreement):
    CommitmentFactory(agreement=agreement)
    CommitmentFactory(agreement=agreement)
    assert _figures(agreement) == (2, 2, 0, 0)


def test_a_status_change_moves_the_score(agreement, analyst):
    first = CommitmentFactory(agreement=agreement)
    second = CommitmentFactory(agreement=agreement)
    services.commitment_set_status(
        commitment=first, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
    )
    services.commitment_set_status(
        commitment=second, status=CommitmentStatus.ABANDONED, reason="dropped", by=analyst
    )
    assert _figures(agreement) == (2, 1, 3, 0)
    assert Agreement.objects.get(pk=agreement.pk).score == 100


def test_the_scan_counts_what_it_flags_and_clears(agreement, analyst):
    late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 year")
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    assert _figures(agreement)[3] == 1
    services.commitment_set_status(
        commitment=late, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
    )
    assert _figures(agreement)[3] == 0


def test_one_scan_that_flags_and_clears_keeps_every_count_true(agreement):
    """The scan counts its new flags in the statement that writes them (PostgreSQL) and
    its cleared ones afterwards: in one run, both, in two agreements."""
    other = AgreementFactory(signed_on=agreement.signed_on)
    closed = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    moved = CommitmentFactory(agreement=other, timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    assert (_figures(agreement)[3], _figures(other)[3]) == (1, 1)
    # Changed behind the services' back, so that the next scan is what clears them.
    Commitment.objects.filter(pk=closed.pk).update(status=CommitmentStatus.IMPLEMENTED)
    Commitment.objects.filter(pk=moved.pk).update(due_on=datetime.date(2026, 12, 31))
    CommitmentFactory(agreement=agreement, timeline_wording="within 2 months")
    CommitmentFactory(agreement=other, timeline_wording="within 2 months")
    CommitmentFactory(agreement=other, timeline_wording="within 2 months")

    run = services.overdue_scan(today=datetime.date(2026, 4, 15))

    assert (run.flagged, run.cleared) == (3, 2)
    kept = (_figures(agreement)[3], _figures(other)[3])
    services.agreement_stats_refresh()
    assert kept == (_figures(agreement)[3], _figures(other)[3]) == (1, 2)


def test_deleting_a_commitment_in_the_admin_uncounts_it(admin_client, agreement):
    commitment = CommitmentFactory(agreement=agreement)
    admin_client.post(
        reverse("admin:tracker_commitment_delete", args=[commitment.pk]), {"post": "yes"}
    )
    assert _figures(agreement) == (0, 0, 0, 0)


def test_a_full_refresh_repairs_figures_written_by_hand(agreement):
    CommitmentFactory(agreement=agreement)
    Agreement.objects.filter(pk=agreement.pk).update(commitment_count=99, overdue_count=7)
    assert services.agreement_stats_refresh() == 1
    assert _figures(agreement) == (1, 1, 0, 0)


def test_the_operators_command_recounts_every_agreement(agreement, capsys):
    from django.core.management import call_command

    CommitmentFactory(agreement=agreement)
    Agreement.objects.update(commitment_count=0)
    call_command("refresh_figures")
    assert "Recounted the figures of 1 agreements." in capsys.readouterr().out
    assert _figures(agreement)[0] == 1


def test_the_scan_uncounts_what_it_clears_when_a_deadline_moves(agreement, editor):
    late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="within 2 months")
    services.overdue_scan(today=datetime.date(2026, 4, 15))
    assert _figures(agreement)[3] == 2
    services.commitment_extend_deadline(
        commitment=late, wording="by 31 December 2026", reason="talks", by=editor
    )
    services.overdue_scan(today=datetime.date(2026, 4, 16))
    assert _figures(agreement)[3] == 1
    services.overdue_scan(today=datetime.date(2026, 4, 17))
    assert _figures(agreement)[3] == 1
