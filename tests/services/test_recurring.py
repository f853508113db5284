"""Recurring commitments: their periods, the period owed (the due date), what meets one, the
overdue flag per missed period through the real scan, and two writers at once."""

import datetime
import threading
import time
from itertools import islice

import pytest
from django.db import connection

from tracker import deadlines, series, services
from tracker.import_files import read_document
from tracker.importer import run_import
from tracker.models import Commitment, CommitmentStatus, OverdueFlag, Stance
from tracker.recurrence import periods
from tracker.selectors.recurring import evidence_day, recurring_latest_met
from tracker.services import commitments as services_commitments

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=5))  # Asia/Karachi, the suite's TIME_ZONE


def _labels(wording: str, anchor: datetime.date, count: int = 4) -> list[tuple]:
    recurrence = deadlines.parse_timeline(wording).recurrence
    return [(p.label, p.ends_on) for p in islice(periods(recurrence, anchor), count)]


@pytest.mark.parametrize(
    ("wording", "anchor", "expected"),
    [
        (
            "quarterly",
            D(2026, 1, 31),
            [("Q1 2026", D(2026, 3, 31)), ("Q2 2026", D(2026, 6, 30)), ("Q3 2026", D(2026, 9, 30))],
        ),
        (  # under half of Q1 left: the first period runs on to the end of Q2
            "quarterly",
            D(2026, 3, 1),
            [("Q2 2026", D(2026, 6, 30)), ("Q3 2026", D(2026, 9, 30))],
        ),
        ("annually", D(2026, 5, 10), [("2026", D(2026, 12, 31)), ("2027", D(2027, 12, 31))]),
        (
            "every six months",
            D(2026, 1, 31),
            [("H1 2026", D(2026, 6, 30)), ("H2 2026", D(2026, 12, 31))],
        ),
        (
            "each year on 1 March",
            D(2026, 1, 31),
            [("1 March 2027", D(2027, 3, 1)), ("1 March 2028", D(2028, 3, 1))],
        ),
        (
            "every two years starting in 2027",
            D(2026, 1, 31),
            [("2027–2028", D(2028, 12, 31)), ("2029–2030", D(2030, 12, 31))],
        ),
        ("monthly", D(2026, 1, 10), [("January 2026", D(2026, 1, 31))]),
    ],
)
def test_the_commitments_periods_follow_the_wording_and_the_anchor(wording, anchor, expected):
    assert _labels(wording, anchor, len(expected)) == expected


def test_a_new_recurring_commitment_is_due_at_the_end_of_its_first_period(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    assert commitment.due_on == D(2026, 3, 31)


def test_a_recurring_commitment_counted_from_a_milestone_starts_there(agreement):
    milestone = MilestoneFactory(agreement=agreement, date=D(2026, 7, 20))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="quarterly", deadline_milestone=milestone
    )
    assert commitment.due_on == D(2026, 9, 30)
    services.milestone_set_date(milestone=milestone, date=D(2026, 11, 2))
    commitment.refresh_from_db()
    assert commitment.due_on == D(2026, 12, 31)


def test_regular_consultations_have_no_due_date(agreement):
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="regular")
    assert commitment.due_on is None


def _log(commitment, occurred_on, stance=Stance.PROGRESS, **fields):
    return services.evidence_log(
        commitment=Commitment.objects.get(pk=commitment.pk),
        by=None,
        summary="Report published",
        occurred_on=occurred_on,
        stance=stance,
        **fields,
    )


def _due(commitment) -> datetime.date | None:
    return Commitment.objects.values_list("due_on", flat=True).get(pk=commitment.pk)


@pytest.fixture
def quarterly(agreement, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 12, tzinfo=TZ), tick=False)
    return CommitmentFactory(agreement=agreement, reference="Q", timeline_wording="quarterly")


def test_evidence_dated_in_the_owed_period_moves_the_due_date_to_the_next_periods_end(quarterly):
    _log(quarterly, D(2026, 3, 2))
    assert _due(quarterly) == D(2026, 6, 30)


def test_the_latest_met_period_decides_missed_ones_before_it_stay_missed(quarterly):
    _log(quarterly, D(2026, 8, 15))  # Q3; Q1 and Q2 had nothing
    assert _due(quarterly) == D(2026, 12, 31)


@pytest.mark.parametrize("stance", [Stance.SETBACK, Stance.CONTEXT])
def test_evidence_that_does_not_show_progress_meets_nothing(quarterly, stance):
    _log(quarterly, D(2026, 3, 2), stance=stance)
    assert _due(quarterly) == D(2026, 3, 31)


def test_evidence_is_dated_by_when_it_happened_then_its_source_then_when_logged(quarterly):
    _log(quarterly, None, source_date=D(2026, 5, 5))
    assert _due(quarterly) == D(2026, 9, 30)
    evidence = _log(quarterly, None)  # logged 1 December: Q4
    assert evidence_day(evidence) == D(2026, 12, 1)
    assert _due(quarterly) == D(2027, 3, 31)
    assert recurring_latest_met([quarterly.pk]) == {quarterly.pk: D(2026, 12, 1)}


def test_the_logging_day_is_the_site_time_zones(agreement, time_machine):
    # 1 April 00:30 in Karachi is still 31 March in UTC: the evidence meets Q2, not Q1.
    time_machine.move_to(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=TZ), tick=False)
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    evidence = _log(commitment, None)
    assert evidence_day(evidence) == D(2026, 4, 1)
    assert recurring_latest_met([commitment.pk]) == {commitment.pk: D(2026, 4, 1)}
    assert _due(commitment) == D(2026, 9, 30)


def test_retracting_the_evidence_owes_the_period_again(quarterly):
    evidence = _log(quarterly, D(2026, 3, 2))
    services.evidence_retract(evidence=evidence, reason="Wrong meeting", by=None)
    assert _due(quarterly) == D(2026, 3, 31)


def test_correcting_the_evidence_date_moves_the_period_it_meets(quarterly):
    evidence = _log(quarterly, D(2026, 3, 2))
    services.evidence_update(evidence=evidence, by=None, occurred_on=D(2026, 7, 2))
    assert _due(quarterly) == D(2026, 12, 31)


def test_a_status_change_to_in_progress_meets_the_period_it_is_dated_in(quarterly):
    services.commitment_set_status(
        commitment=quarterly,
        status=CommitmentStatus.IN_PROGRESS,
        reason="First report submitted",
        by=None,
        at=datetime.datetime(2026, 5, 1, 10, tzinfo=TZ),
    )
    assert _due(quarterly) == D(2026, 9, 30)


def test_a_status_change_to_stalled_meets_nothing(quarterly):
    services.commitment_set_status(
        commitment=quarterly,
        status=CommitmentStatus.STALLED,
        reason="Talks paused",
        by=None,
        at=datetime.datetime(2026, 5, 1, 10, tzinfo=TZ),
    )
    assert _due(quarterly) == D(2026, 3, 31)


def test_saving_the_commitment_again_keeps_the_period_owed(quarterly):
    _log(quarterly, D(2026, 3, 2))
    commitment = Commitment.objects.get(pk=quarterly.pk)
    commitment.title = "Quarterly report"
    services.commitment_save(commitment=commitment)
    assert _due(quarterly) == D(2026, 6, 30)


def test_a_recomputed_due_date_leaves_a_history_record(quarterly):
    _log(quarterly, D(2026, 3, 2))
    record = quarterly.history.order_by("-history_id").first()
    assert record.due_on == D(2026, 6, 30)
    assert record.history_change_reason.startswith("Deadline recomputed")


def test_the_owed_period_is_found_within_the_cap():
    recurrence = deadlines.parse_timeline("weekly").recurrence
    owed = series.owed_period(recurrence, D(2000, 1, 3), D(2026, 6, 1))
    assert owed.starts_on > D(2026, 6, 1) >= owed.starts_on - datetime.timedelta(days=7)


# The overdue flag per missed period, through the real scan with the clock moved.


def _open_flag() -> OverdueFlag | None:
    return OverdueFlag.objects.filter(cleared_at__isnull=True).first()


def _scan(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9), TZ), tick=False)
    services.overdue_scan(today=day)


def test_a_period_that_ends_with_nothing_is_flagged_with_that_period(agreement, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 1, 9, tzinfo=TZ), tick=False)
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    _scan(time_machine, D(2026, 3, 31))
    assert _open_flag() is None  # due today, not yet late
    _scan(time_machine, D(2026, 4, 1))
    flag = _open_flag()
    assert flag.due_on == D(2026, 3, 31)
    assert series.owed_label(commitment.timeline_wording, agreement.signed_on, flag.due_on) == (
        "Q1 2026"
    )


def test_evidence_in_the_missed_period_clears_the_flag_at_the_next_scan(agreement, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 1, 9, tzinfo=TZ), tick=False)
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    _scan(time_machine, D(2026, 4, 2))
    _log(commitment, D(2026, 3, 20))  # logged late, dated in Q1
    _scan(time_machine, D(2026, 4, 3))
    flag = OverdueFlag.objects.get()
    assert flag.clear_reason == OverdueFlag.ClearReason.DEADLINE_MOVED
    assert _open_flag() is None


def test_a_late_record_of_a_missed_period_moves_the_flag_to_the_next_missed_one(
    agreement, time_machine
):
    """Q1 and Q2 both ended with nothing; evidence of Q1, logged in July, leaves Q2 owed, and
    the flag names Q2, not Q1."""
    time_machine.move_to(datetime.datetime(2026, 2, 1, 9, tzinfo=TZ), tick=False)
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    _scan(time_machine, D(2026, 4, 1))
    _scan(time_machine, D(2026, 7, 2))
    assert _open_flag().due_on == D(2026, 3, 31)
    _log(commitment, D(2026, 3, 20))
    assert _open_flag() is None  # cleared with the move, not left naming Q1
    _scan(time_machine, D(2026, 7, 3))
    flag = _open_flag()
    assert flag.due_on == D(2026, 6, 30)
    assert series.owed_label("quarterly", agreement.signed_on, flag.due_on) == "Q2 2026"
    first = OverdueFlag.objects.get(due_on=D(2026, 3, 31))
    assert first.clear_reason == OverdueFlag.ClearReason.DEADLINE_MOVED


def test_each_missed_period_gets_its_own_flag(agreement, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 1, 9, tzinfo=TZ), tick=False)
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="quarterly")
    _scan(time_machine, D(2026, 4, 1))
    time_machine.move_to(datetime.datetime(2026, 5, 10, 9, tzinfo=TZ), tick=False)
    _log(commitment, D(2026, 5, 10))  # Q2 met: Q3 is owed
    _scan(time_machine, D(2026, 5, 11))
    _scan(time_machine, D(2026, 10, 1))  # Q3 ended with nothing
    flags = list(OverdueFlag.objects.order_by("flagged_at").values_list("due_on", "cleared_at"))
    assert [due for due, _ in flags] == [D(2026, 3, 31), D(2026, 9, 30)]
    assert flags[0][1] is not None
    assert flags[1][1] is None


# Two writers at once.


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_the_due_date_as_a_recount_finds_it(time_machine, monkeypatch):
    """Each round one writer logs evidence meeting the next period while another retracts
    the evidence of the round before; a writer that read what meets the periods without the
    other's write would leave the due date a period behind or ahead. Each read is slowed
    down, so that the other writer commits meanwhile unless the row lock keeps it out."""
    read = services_commitments.recurring_latest_met

    def slow_read(ids):
        found = read(ids)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(services_commitments, "recurring_latest_met", slow_read)
    time_machine.move_to(datetime.datetime(2030, 6, 1, 12, tzinfo=TZ), tick=False)
    agreement = AgreementFactory(signed_on=D(2026, 1, 1))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="monthly")
    errors: list[BaseException] = []
    mismatches = []
    previous = None

    def run(action, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=30)
            action()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    for round_ in range(12):
        day = D(2026 + round_ // 12, round_ % 12 + 1, 15)
        actions = [lambda day=day: _log(commitment, day)]
        if previous is not None:
            actions.append(
                lambda old=previous: services.evidence_retract(
                    evidence=old.__class__.objects.get(pk=old.pk), reason="Superseded", by=None
                )
            )
        start = threading.Barrier(len(actions))
        writers = [threading.Thread(target=run, args=(action, start)) for action in actions]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=60)
        previous = commitment.evidence.order_by("-pk").first()
        recount = services.commitment_due_date(
            commitment=Commitment.objects.get(pk=commitment.pk), signed_on=agreement.signed_on
        )
        if _due(commitment) != recount:
            mismatches.append(round_)
    assert errors == []
    assert mismatches == []


def test_an_imported_recurring_commitment_owes_the_period_after_its_imported_evidence(
    time_machine,
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 12, tzinfo=TZ), tick=False)
    text = b"""
parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    commitments:
      - reference: "3.1"
        title: Report on the border
        timeline: quarterly
        evidence:
          - {summary: Q2 report, stance: progress, occurred_on: 2026-05-02}
          - {summary: Q3 report, stance: progress, occurred_on: 2026-08-02,
             retraction_reason: Wrong report}
"""
    run_import(read_document("a.yaml", text), file_name="a.yaml", by=None)
    assert Commitment.objects.get(reference="3.1").due_on == D(2026, 9, 30)


def test_an_extension_to_a_recurring_wording_owes_the_period_after_the_latest_met(quarterly):
    one_off = CommitmentFactory(
        agreement=quarterly.agreement, reference="E", timeline_wording="within 1 month"
    )
    _log(one_off, D(2026, 5, 2))
    extension = services.commitment_extend_deadline(
        commitment=one_off, wording="quarterly", reason="Now a quarterly report", by=None
    )
    assert extension.new_due_on == _due(one_off) == D(2026, 9, 30)
