"""The overdue scan (`services.overdue_scan`, the `flag_overdue` task and command): flags and
clears on frozen dates, idempotence, two scans at once, a missed run caught up."""

import datetime
import logging
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from psycopg.errors import DeadlockDetected

from tracker import services, tasks
from tracker.models import Agreement, CommitmentStatus, JobName, JobRun, OverdueFlag
from tracker.services import jobs

from .factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=5))  # Asia/Karachi, the suite's TIME_ZONE


def _open_flags() -> dict[str, datetime.date]:
    flags = OverdueFlag.objects.filter(cleared_at__isnull=True).select_related("commitment")
    return {flag.commitment.reference: flag.due_on for flag in flags}


@pytest.fixture
def commitments(agreement):
    """Signed 31 Jan 2026: due 28 Feb, 31 Mar and 30 Apr; one ongoing."""
    return {
        reference: CommitmentFactory(agreement=agreement, reference=reference, timeline_wording=w)
        for reference, w in [
            ("1", "within 1 month"),
            ("2", "within 2 months"),
            ("3", "within 3 months"),
            ("4", "ongoing"),
        ]
    }


def test_it_flags_what_is_past_its_due_date_and_not_what_is_due_today(commitments):
    run = services.overdue_scan(today=datetime.date(2026, 3, 31))
    assert _open_flags() == {"1": datetime.date(2026, 2, 28)}
    assert (run.flagged, run.cleared, run.as_of) == (1, 0, datetime.date(2026, 3, 31))


def test_it_flags_by_the_site_time_zone_day_through_the_task(commitments, time_machine):
    # 1 March 00:30 in Karachi is still 28 February in UTC.
    time_machine.move_to(datetime.datetime(2026, 3, 1, 0, 30, tzinfo=TZ), tick=False)
    result = tasks.flag_overdue()
    assert result == {"as_of": "2026-03-01", "flagged": 1, "cleared": 0}
    assert _open_flags() == {"1": datetime.date(2026, 2, 28)}


def test_it_clears_the_flag_when_the_commitment_is_implemented(commitments, analyst):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    # Closed behind the service's back, so that only the scan can clear the flag.
    commitments["1"].__class__.objects.filter(pk=commitments["1"].pk).update(
        status=CommitmentStatus.IMPLEMENTED
    )
    run = services.overdue_scan(today=datetime.date(2026, 3, 11))
    flag = OverdueFlag.objects.get()
    assert flag.cleared_at == run.started_at
    assert flag.clear_reason == OverdueFlag.ClearReason.CLOSED
    assert run.cleared == 1


def test_it_clears_the_flag_when_the_deadline_moves_into_the_future(commitments, agreement):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    services.milestone_set_date(
        milestone=agreement.milestones.get(kind="signing"), date=datetime.date(2026, 2, 20)
    )
    run = services.overdue_scan(today=datetime.date(2026, 3, 11))
    flag = OverdueFlag.objects.get()
    assert flag.clear_reason == OverdueFlag.ClearReason.DEADLINE_MOVED
    assert _open_flags() == {}
    assert run.cleared == 1


def test_it_flags_again_with_the_new_date_when_a_moved_deadline_passes(commitments, agreement):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    services.milestone_set_date(
        milestone=agreement.milestones.get(kind="signing"), date=datetime.date(2026, 2, 20)
    )
    services.overdue_scan(today=datetime.date(2026, 3, 11))
    services.overdue_scan(today=datetime.date(2026, 3, 21))
    assert _open_flags() == {"1": datetime.date(2026, 3, 20)}
    assert OverdueFlag.objects.count() == 2


def test_it_changes_nothing_when_run_twice(commitments):
    services.overdue_scan(today=datetime.date(2026, 4, 5))
    before = list(OverdueFlag.objects.values_list("id", "flagged_at", "cleared_at"))
    second = services.overdue_scan(today=datetime.date(2026, 4, 5))
    assert (second.flagged, second.cleared) == (0, 0)
    assert list(OverdueFlag.objects.values_list("id", "flagged_at", "cleared_at")) == before


def test_it_catches_up_a_missed_run(commitments):
    services.overdue_scan(today=datetime.date(2026, 2, 1))
    # The runs of March and April never happened; the next one sees the whole state.
    run = services.overdue_scan(today=datetime.date(2026, 5, 2))
    assert _open_flags() == {
        "1": datetime.date(2026, 2, 28),
        "2": datetime.date(2026, 3, 31),
        "3": datetime.date(2026, 4, 30),
    }
    assert run.flagged == 3


def test_it_records_each_run_for_the_overview(commitments):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    services.overdue_scan(today=datetime.date(2026, 3, 11))
    runs = JobRun.objects.filter(job=JobName.FLAG_OVERDUE)
    assert [run.as_of for run in runs] == [datetime.date(2026, 3, 11), datetime.date(2026, 3, 10)]
    assert all(run.finished_at >= run.started_at for run in runs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_flags_each_commitment_once_when_two_scans_run_at_once():
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    for _number in range(60):
        CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    start = threading.Barrier(2)
    runs, errors = [], []

    def scan():
        try:
            start.wait(timeout=10)
            runs.append(services.overdue_scan(today=datetime.date(2026, 3, 10)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # each thread had its own database connection

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(run.flagged for run in runs) == [0, 60]
    assert OverdueFlag.objects.count() == 60


def test_the_command_prints_what_it_flagged_and_cleared(commitments):
    out = StringIO()
    call_command("flag_overdue", today="2026-04-01", verbosity=2, stdout=out)
    text = out.getvalue()
    assert "as of 2026-04-01: flagged 2, cleared 0." in text
    assert f"flagged {commitments['1'].agreement.slug} 1 (due 2026-02-28)" in text
    out = StringIO()
    call_command("flag_overdue", today="2026-02-01", verbosity=2, stdout=out)
    assert "flagged 0, cleared 2." in out.getvalue()
    assert "cleared" in out.getvalue().splitlines()[1]


def test_the_command_refuses_a_bad_date_and_changes_nothing(commitments):
    with pytest.raises(CommandError, match="not a date: write YYYY-MM-DD"):
        call_command("flag_overdue", today="31/03/2026")
    assert not JobRun.objects.exists()


def _wait_for_a_lock_wait(seconds: float = 10) -> None:
    """Until a session of this database waits for a lock."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("nobody waited for a lock")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_starts_again_when_a_writer_going_around_the_lock_order_deadlocks_it(caplog):
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    flag = OverdueFlag.objects.get()
    holding = threading.Event()
    failures = []

    def agreement_then_flag():
        """Locks the agreement's figures, then the flag the scan is clearing: the opposite
        of the order every writer of the app keeps."""
        try:
            with transaction.atomic():
                Agreement.objects.select_for_update(no_key=True).filter(pk=agreement.pk).exists()
                holding.set()
                _wait_for_a_lock_wait()  # the scan, for the agreement
                OverdueFlag.objects.filter(pk=flag.pk).update(due_on=flag.due_on)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=agreement_then_flag)
    writer.start()
    holding.wait(timeout=10)
    # The scan waits first, so PostgreSQL's deadlock check finds the circle in the scan's
    # session and ends its transaction; the writer then commits and the scan starts again.
    with caplog.at_level(logging.WARNING, logger="tracker.services.jobs"):
        run = services.overdue_scan(today=datetime.date(2026, 2, 1))
    writer.join(timeout=30)

    assert failures == []
    assert run.cleared == 1
    assert "attempt 1 of 4: DeadlockDetected" in caplog.text
    assert Agreement.objects.get(pk=agreement.pk).overdue_count == 0


def test_it_does_not_start_again_inside_the_callers_transaction(commitments, monkeypatch):
    """Only whoever opened the transaction can start it again."""
    calls = []

    def deadlocked(**kwargs):
        calls.append(kwargs)
        raise OperationalError("deadlock detected") from DeadlockDetected()

    monkeypatch.setattr(jobs, "_scan", deadlocked)
    with pytest.raises(OperationalError):
        services.overdue_scan(today=datetime.date(2026, 3, 10))
    assert len(calls) == 1
