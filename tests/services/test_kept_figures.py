"""The figures kept on each agreement follow its commitments, statuses and overdue flags,
whichever path writes them: the database's triggers keep them (migration 0015)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tracker import selectors, services
from tracker.models import Agreement, Commitment, CommitmentStatus, OverdueFlag
from tracker.models.commitments import STATUS_WEIGHTS

from ..factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db
KEPT_FIGURES_0015 = ("commitment_count", "scored_count", "score_points", "overdue_count")


def _figures(agreement) -> tuple:
    """The kept figures, read alone: the columns added since (migrations ahead of an older
    state) may not exist when a test reads them."""
    return Agreement.objects.values_list(
        "commitment_count", "scored_count", "score_points", "overdue_count"
    ).get(pk=agreement.pk)


def _agree_with_a_recount() -> bool:
    return selectors.agreement_figures_check().differences == []


def test_it_counts_a_new_commitment(agreement):
    CommitmentFactory(agreement=agreement)
    CommitmentFactory(agreement=agreement)
    assert _figures(agreement) == (2, 2, 0, 0)


@pytest.mark.parametrize("status", list(CommitmentStatus))
def test_it_gives_each_status_the_weight_of_the_models(agreement, status):
    """The triggers froze the weights when they were created; new weights need new triggers.
    Every status is scored, abandoned too (at 0)."""
    CommitmentFactory(agreement=agreement, status=status)
    assert _figures(agreement)[1:3] == (1, STATUS_WEIGHTS[status])


def test_it_moves_the_score_with_a_status_change(agreement, analyst):
    first = CommitmentFactory(agreement=agreement)
    second = CommitmentFactory(agreement=agreement)
    services.commitment_set_status(
        commitment=first, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
    )
    services.commitment_set_status(
        commitment=second, status=CommitmentStatus.ABANDONED, reason="dropped", by=analyst
    )
    # The abandoned one stays in the denominator at 0 points: 3 of 6.
    assert _figures(agreement) == (2, 2, 3, 0)
    assert Agreement.objects.get(pk=agreement.pk).score == 50


def test_it_counts_what_the_scan_flags_and_what_closing_a_commitment_clears(agreement, analyst):
    late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 year")
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    assert _figures(agreement)[3] == 1
    services.commitment_set_status(
        commitment=late, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
    )
    assert _figures(agreement)[3] == 0


def test_one_scan_that_flags_and_clears_in_two_agreements_keeps_both_counts_true(agreement):
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
    assert (_figures(agreement)[3], _figures(other)[3]) == (1, 2)
    assert _agree_with_a_recount()


def test_it_uncounts_what_the_scan_clears_when_a_deadline_moves(agreement, editor):
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


def test_it_uncounts_a_deleted_commitment_with_its_open_flag(agreement):
    kept = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    deleted = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    services.commitment_delete(commitment=deleted)
    assert _figures(agreement) == (1, 1, 0, 1)
    assert Commitment.objects.get() == kept


def test_it_counts_a_commitment_added_in_the_admin(editor_client, agreement):
    """The admin used to save around the services and left the figures one short."""
    response = editor_client.post(
        reverse("admin:tracker_commitment_add"),
        {
            "agreement": agreement.pk,
            "reference": "7.1",
            "title": "Open a border market",
            "theme": "trade",
            "priority": "medium",
            "responsible_parties": [party.pk for party in agreement.parties.all()],
            "timeline_wording": "within 1 month",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    assert _figures(agreement) == (1, 1, 0, 0)


def test_it_uncounts_a_commitment_deleted_in_the_admin(admin_client, agreement):
    commitment = CommitmentFactory(agreement=agreement)
    admin_client.post(
        reverse("admin:tracker_commitment_delete", args=[commitment.pk]), {"post": "yes"}
    )
    assert _figures(agreement) == (0, 0, 0, 0)


def test_a_commitment_moved_to_another_agreement_takes_its_figures_and_open_flag(agreement):
    other = AgreementFactory(parties=list(agreement.parties.all()))
    moving = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", status=CommitmentStatus.PARTIAL
    )
    CommitmentFactory(agreement=agreement)
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    assert _figures(agreement) == (2, 2, 2, 1)

    moving.agreement = other
    moving.save()

    assert _figures(agreement) == (1, 1, 0, 0)
    assert _figures(other) == (1, 1, 2, 1)
    assert _agree_with_a_recount()


def test_it_follows_bulk_updates_and_sql_by_hand(agreement):
    CommitmentFactory.create_batch(3, agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 3, 15))
    Commitment.objects.update(status=CommitmentStatus.IMPLEMENTED)
    OverdueFlag.objects.filter(pk__in=OverdueFlag.objects.values("pk")[:1]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_overdueflag SET cleared_at = now(), clear_reason = 'closed' "
            "WHERE id IN (SELECT id FROM tracker_overdueflag ORDER BY id LIMIT 1)"
        )
    assert _figures(agreement) == (3, 3, 9, 1)
    assert _agree_with_a_recount()


def test_an_agreement_saved_from_an_older_copy_keeps_its_figures(agreement):
    """The admin and the services save an agreement read before the triggers last moved
    its figures; the save must not write the old values back."""
    stale = Agreement.objects.get(pk=agreement.pk)
    CommitmentFactory(agreement=agreement)
    stale.title = "Renamed"
    stale.save()
    assert _figures(agreement) == (1, 1, 0, 0)
    assert Agreement.objects.get(pk=agreement.pk).title == "Renamed"


def test_the_services_write_no_figure_themselves(agreement, analyst):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    with connection.execute_wrapper(_refuse_agreement_updates):
        services.commitment_set_status(
            commitment=commitment, status=CommitmentStatus.IN_PROGRESS, reason="go", by=analyst
        )
        services.overdue_scan(today=datetime.date(2026, 3, 15))
        services.commitment_set_status(
            commitment=commitment, status=CommitmentStatus.ABANDONED, reason="no", by=analyst
        )
    assert _figures(agreement) == (1, 1, 0, 0)


def _refuse_agreement_updates(execute, sql, params, many, context):
    assert not re.match(r'\s*UPDATE\s+"?tracker_agreement\b', sql, re.IGNORECASE), sql
    return execute(sql, params, many, context)


def test_a_recount_corrects_figures_written_by_hand_and_says_how_many(agreement):
    AgreementFactory()
    CommitmentFactory(agreement=agreement)
    Agreement.objects.filter(pk=agreement.pk).update(commitment_count=99, overdue_count=7)
    assert services.agreement_stats_refresh() == 1
    assert _figures(agreement) == (1, 1, 0, 0)
    assert services.agreement_stats_refresh() == 0


def _figure_triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%_figures_%%' ORDER BY tgname"
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_its_migration_drops_the_triggers_backwards_and_recounts_forwards():
    # Rows made with today's schema (the models know no other), then figures lost while the
    # triggers are gone: the way forward must count them again.
    agreement = AgreementFactory()
    CommitmentFactory(agreement=agreement)
    call_command("migrate", "tracker", "0014", verbosity=0)
    assert _figure_triggers() == []
    # The figures 0014 has (g7_points came with 0026).
    Agreement.objects.filter(pk=agreement.pk).update(**dict.fromkeys(KEPT_FIGURES_0015, 0))
    assert _figures(agreement) == (0, 0, 0, 0)

    call_command("migrate", "tracker", verbosity=0)

    assert len(_figure_triggers()) == 6
    assert _figures(agreement) == (1, 1, 0, 0)
