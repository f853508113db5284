"""Completion criteria (issue 21): the services, each atomic with its history under the
commitment's lock; a commitment with neither a deadline nor a criterion is not verifiable and
left out of the kept scores, which stay equal to a recount; "implemented" with unmet criteria
needs a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from tracker import selectors, services
from tracker.models import Agreement, Commitment, CommitmentStatus, Criterion, StatusChange

from ..factories import CommitmentFactory, EvidenceFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def _scored(agreement) -> tuple:
    return Agreement.objects.values_list(
        "commitment_count", "scored_count", "score_points", "g7_points"
    ).get(pk=agreement.pk)


def _agree_with_a_recount() -> bool:
    return selectors.agreement_figures_check().differences == []


@pytest.fixture
def ongoing(agreement):
    return CommitmentFactory(agreement=agreement, timeline_wording="ongoing")


def test_a_commitment_without_deadline_or_criterion_is_not_verifiable(ongoing, commitment):
    assert not ongoing.is_verifiable
    assert Commitment.objects.get(pk=commitment.pk).is_verifiable


@pytest.mark.parametrize("wording", ["", "ongoing", "as soon as possible"])
def test_no_deadline_wordings_are_not_verifiable(agreement, wording):
    assert not CommitmentFactory(agreement=agreement, timeline_wording=wording).is_verifiable


def test_pending_and_recurring_commitments_are_verifiable(agreement):
    event = MilestoneFactory(agreement=agreement, date=None, name="Talks")
    pending = CommitmentFactory(
        agreement=agreement, timeline_wording="within 3 months", deadline_milestone=event
    )
    recurring = CommitmentFactory(agreement=agreement, timeline_wording="regular consultations")
    assert pending.is_pending
    assert pending.is_verifiable
    assert recurring.due_on is None
    assert recurring.is_verifiable


def test_not_verifiable_ones_are_left_out_of_the_kept_scores(agreement, ongoing, analyst):
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    services.commitment_set_status(
        commitment=ongoing, status=CommitmentStatus.PARTIAL, reason="half", by=analyst
    )
    assert _scored(agreement) == (2, 1, 3, 1)
    agreement.refresh_from_db()
    assert agreement.unscored_count == 1
    assert _agree_with_a_recount()


def test_a_criterion_makes_it_verifiable_and_deleting_it_undoes_that(agreement, ongoing, editor):
    criterion = services.criterion_add(commitment=ongoing, text="First joint patrol", by=editor)
    ongoing.refresh_from_db()
    assert ongoing.is_verifiable
    assert _scored(agreement) == (1, 1, 0, -1)
    assert _agree_with_a_recount()
    services.criterion_delete(criterion=criterion, by=editor)
    ongoing.refresh_from_db()
    assert not ongoing.is_verifiable
    assert _scored(agreement) == (1, 0, 0, 0)
    assert _agree_with_a_recount()


def test_a_timeline_edit_moves_verifiability_and_the_scores(agreement, ongoing):
    ongoing.timeline_wording = "within 6 months"
    services.commitment_save(commitment=ongoing)
    assert ongoing.is_verifiable
    assert _scored(agreement)[1] == 1
    ongoing.timeline_wording = "ongoing"
    services.commitment_save(commitment=ongoing)
    assert not ongoing.is_verifiable
    assert _scored(agreement)[1] == 0
    assert _agree_with_a_recount()


def test_a_deadline_extension_makes_it_verifiable(agreement, ongoing, editor):
    services.commitment_extend_deadline(
        commitment=ongoing, wording="by 1 December 2026", reason="Agreed later", by=editor
    )
    ongoing.refresh_from_db()
    assert ongoing.is_verifiable
    assert _agree_with_a_recount()


def test_a_grace_period_removed_leaves_a_prompt_commitment_unverifiable(agreement):
    agreement.prompt_grace_days = 10
    services.agreement_save(agreement=agreement, parties=agreement.parties.all())
    prompt = CommitmentFactory(agreement=agreement, timeline_wording="immediately")
    assert prompt.due_on is not None
    assert prompt.is_verifiable
    agreement.prompt_grace_days = None
    services.agreement_save(agreement=agreement, parties=agreement.parties.all())
    prompt.refresh_from_db()
    assert prompt.due_on is None
    assert not prompt.is_verifiable
    assert _agree_with_a_recount()


def test_criteria_services_write_history_with_their_author(ongoing, editor):
    criterion = services.criterion_add(commitment=ongoing, text="Four sectors agreed", by=editor)
    services.criterion_edit(criterion=criterion, text="Four patrol sectors agreed", by=editor)
    evidence = EvidenceFactory(commitment=ongoing)
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 3, 1), evidence=evidence, by=editor
    )
    services.criterion_set_unmet(criterion=criterion, by=editor)
    reasons = list(
        criterion.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Criterion added",
        "Criterion reworded",
        "Criterion met",
        "Criterion no longer met",
    ]
    assert {row.history_user for row in criterion.history.all()} == {editor}
    assert criterion.recorded_by == editor


def test_marking_met_refuses_evidence_of_another_commitment_or_retracted(ongoing, editor):
    criterion = services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    elsewhere = EvidenceFactory()
    retracted = EvidenceFactory(commitment=ongoing)
    services.evidence_retract(evidence=retracted, reason="wrong", by=editor)
    for evidence in (elsewhere, retracted):
        with pytest.raises(ValidationError) as error:
            services.criterion_set_met(
                criterion=criterion, met_on=datetime.date(2026, 3, 1), evidence=evidence, by=editor
            )
        assert "evidence" in error.value.message_dict
    criterion.refresh_from_db()
    assert criterion.met_on is None
    assert criterion.history.count() == 1


def test_marking_met_needs_a_day_not_in_the_future(ongoing, editor):
    criterion = services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    for day in (None, datetime.date.today() + datetime.timedelta(days=2)):
        with pytest.raises(ValidationError) as error:
            services.criterion_set_met(criterion=criterion, met_on=day, evidence=None, by=editor)
        assert "met_on" in error.value.message_dict


def test_a_criterion_too_long_or_empty_is_refused(ongoing, editor):
    for text in ("", "x" * 501):
        with pytest.raises(ValidationError):
            services.criterion_add(commitment=ongoing, text=text, by=editor)
    assert not Criterion.objects.exists()
    assert not Commitment.objects.get(pk=ongoing.pk).is_verifiable


def test_reorder_puts_the_criteria_in_the_order_given(ongoing, editor):
    first, second, third = (
        services.criterion_add(commitment=ongoing, text=text, by=editor) for text in "abc"
    )
    services.criteria_reorder(commitment=ongoing, order=[third.pk, first.pk, second.pk], by=editor)
    assert list(ongoing.criteria.values_list("text", flat=True)) == ["c", "a", "b"]
    with pytest.raises(ValidationError):
        services.criteria_reorder(commitment=ongoing, order=[first.pk], by=editor)


def test_a_failed_history_insert_leaves_no_criterion(ongoing, editor):
    """Atomic with the audit record: the history insert fails, nothing stays."""
    table = Criterion.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION fail_history() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'history refused'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER fail_history BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION fail_history()"
        )
    with pytest.raises(Exception, match="history refused"):
        services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    assert not Criterion.objects.exists()
    assert not Commitment.objects.get(pk=ongoing.pk).is_verifiable


def test_the_services_lock_the_commitment_row(ongoing, editor, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    first_lock = next(i for i, q in enumerate(queries) if "FOR NO KEY UPDATE" in q["sql"])
    first_insert = next(i for i, q in enumerate(queries) if q["sql"].startswith("INSERT"))
    assert 'FROM "tracker_commitment"' in queries[first_lock]["sql"]
    assert first_lock < first_insert


# ------------------------------------------------------------------------------------------
# "Implemented" with unmet criteria


def test_implemented_with_an_unmet_criterion_is_refused_without_a_reason(commitment, analyst):
    services.criterion_add(commitment=commitment, text="First joint patrol", by=analyst)
    with pytest.raises(ValidationError) as error:
        services.commitment_set_status(
            commitment=commitment, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
        )
    assert "First joint patrol" in str(error.value.message_dict["unmet_criteria_reason"])
    assert Commitment.objects.get(pk=commitment.pk).status == CommitmentStatus.NOT_STARTED
    assert not StatusChange.objects.exists()


def test_implemented_with_an_unmet_criterion_and_a_reason_records_it(commitment, analyst):
    services.criterion_add(commitment=commitment, text="First joint patrol", by=analyst)
    change = services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IMPLEMENTED,
        reason="done",
        by=analyst,
        unmet_criteria_reason="The patrol was replaced by a joint post",
    )
    assert change.unmet_criteria_reason == "The patrol was replaced by a joint post"


def test_implemented_with_every_criterion_met_needs_no_reason(commitment, analyst):
    criterion = services.criterion_add(commitment=commitment, text="Patrol", by=analyst)
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 3, 1), evidence=None, by=analyst
    )
    change = services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IMPLEMENTED,
        reason="done",
        by=analyst,
        unmet_criteria_reason="ignored",
    )
    assert change.unmet_criteria_reason == ""


def test_an_unmet_criterion_does_not_bar_other_statuses(commitment, analyst):
    services.criterion_add(commitment=commitment, text="Patrol", by=analyst)
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.PARTIAL, reason="half", by=analyst
    )


def test_the_database_refuses_evidence_on_an_unmet_criterion(ongoing, editor):
    criterion = services.criterion_add(commitment=ongoing, text="Patrol", by=editor)
    evidence = EvidenceFactory(commitment=ongoing)
    with pytest.raises(IntegrityError):
        Criterion.objects.filter(pk=criterion.pk).update(evidence=evidence)


# Retracting evidence unmeets the criteria it showed met (issue 21 follow-up).


@pytest.fixture
def met_by_evidence(commitment, editor):
    evidence = EvidenceFactory(commitment=commitment, summary="Patrol seen at Torkham")
    criterion = services.criterion_add(commitment=commitment, text="First joint patrol", by=editor)
    other = services.criterion_add(commitment=commitment, text="Sectors agreed", by=editor)
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 5, 2), evidence=evidence, by=editor
    )
    services.criterion_set_met(
        criterion=other, met_on=datetime.date(2026, 5, 3), evidence=None, by=editor
    )
    return evidence, criterion, other


def test_retracting_evidence_unmeets_the_criteria_it_showed_met(met_by_evidence, editor):
    evidence, criterion, other = met_by_evidence
    services.evidence_retract(evidence=evidence, reason="Photo was from 2019", by=editor)
    criterion.refresh_from_db()
    assert criterion.met_on is None
    assert criterion.evidence is None
    latest = criterion.history.order_by("-history_id").first()
    assert latest.history_change_reason == (
        f"Criterion no longer met: evidence {evidence.pk} retracted"
    )
    assert latest.history_user == editor
    other.refresh_from_db()  # met without that evidence: untouched
    assert other.met_on == datetime.date(2026, 5, 3)
    assert other.history.count() == 2
    assert Commitment.objects.get(pk=criterion.commitment_id).is_verifiable


def test_the_retraction_and_the_unmeeting_commit_together_or_not_at_all(
    met_by_evidence, editor, monkeypatch
):
    evidence, criterion, _ = met_by_evidence
    history_rows = criterion.history.count()

    def fails(**kwargs):
        raise RuntimeError("the due date could not be recomputed")

    monkeypatch.setattr("tracker.services.evidence.commitment_recompute_due", fails)
    with pytest.raises(RuntimeError):
        services.evidence_retract(evidence=evidence, reason="Photo was from 2019", by=editor)
    evidence.refresh_from_db()
    criterion.refresh_from_db()
    assert not evidence.is_retracted
    assert criterion.met_on == datetime.date(2026, 5, 2)
    assert criterion.evidence == evidence
    assert criterion.history.count() == history_rows
