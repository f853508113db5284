"""Many writers at once for half a minute, on PostgreSQL: the figures kept on each agreement
never drift and the overdue scan never fails.

Issue 15: three API clients changing statuses while the scan ran in a loop left counts 43
below the truth (the status change recounted its agreement from its own snapshot while the
scan moved the same column by a delta), and a later scan drove one below zero and failed on
its check constraint at every run after that.
"""

import datetime
import random
import threading
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from tracker import selectors, services
from tracker.models import Commitment, CommitmentStatus, Milestone, MilestoneKind, Role

from .factories import AgreementFactory, CommitmentFactory, MilestoneFactory, UserFactory

DURATION_SECONDS = 30
STATUS_WRITERS = 3
AGREEMENTS = 4
COMMITMENTS_PER_AGREEMENT = 12
SIGNED_ON = datetime.date(2026, 1, 31)


def _day(rng: random.Random, *, within_days: int = 400) -> datetime.date:
    return SIGNED_ON + datetime.timedelta(days=rng.randrange(-30, within_days))


class Writers:
    """The threads' shared tally: what each kind of writer did, and what went wrong."""

    def __init__(self) -> None:
        self.until = time.monotonic() + DURATION_SECONDS
        self.lock = threading.Lock()
        self.done: Counter[str] = Counter()
        self.unexpected: list[tuple[str, Exception]] = []
        self.failed_scans: list[Exception] = []

    def running(self) -> bool:
        return time.monotonic() < self.until

    def count(self, what: str) -> None:
        with self.lock:
            self.done[what] += 1

    def thread(self, name: str, work) -> threading.Thread:
        def run() -> None:
            rng = random.Random(name)
            try:
                while self.running():
                    try:
                        work(rng)
                    except Exception as error:  # every failure is the finding
                        with self.lock:
                            self.unexpected.append((name, error))
            finally:
                connection.close()  # each thread had its own database connection

        return threading.Thread(target=run, name=name)


@pytest.fixture
def agreements():
    """Agreements of commitments due one to twelve months after the signing or after a
    meeting, some already moved along."""
    made = []
    for _number in range(AGREEMENTS):
        agreement = AgreementFactory(signed_on=SIGNED_ON)
        meeting = MilestoneFactory(agreement=agreement, date=SIGNED_ON)
        for index in range(COMMITMENTS_PER_AGREEMENT):
            CommitmentFactory(
                agreement=agreement,
                timeline_wording=f"within {1 + index % 12} months",
                deadline_milestone=meeting if index % 3 == 0 else None,
                status=list(CommitmentStatus)[index % len(CommitmentStatus)],
            )
        made.append(agreement)
    return made


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_every_figure_true_while_statuses_scans_deadlines_and_rows_change_at_once(
    agreements,
):
    analyst = UserFactory(role=Role.ANALYST)
    commitment_ids = list(Commitment.objects.values_list("pk", flat=True))
    milestone_ids = list(Milestone.objects.values_list("pk", flat=True))
    writers = Writers()

    def change_a_status(rng: random.Random) -> None:
        commitment = Commitment.objects.get(pk=rng.choice(commitment_ids))
        if rng.random() < 0.3:
            time.sleep(rng.random() / 50)  # someone else may change it meanwhile
        status = rng.choice([s for s in CommitmentStatus if s != commitment.status])
        try:
            services.commitment_set_status(
                commitment=commitment,
                status=status,
                reason="Seen in the field",
                by=analyst,
                expected_version=commitment.version,
            )
        except services.StatusConflict:
            writers.count("status conflicts")
        else:
            writers.count("status changes")

    def scan(rng: random.Random) -> None:
        try:
            run = services.overdue_scan(today=_day(rng))
        except Exception as error:  # a failed scan is the finding
            with writers.lock:
                writers.failed_scans.append(error)
            return
        writers.count("scans")
        if run.flagged or run.cleared:
            writers.count("scans that flagged or cleared")

    created: list[Commitment] = []

    def move_deadlines_and_rows(rng: random.Random) -> None:
        action = rng.random()
        if action < 0.4:
            milestone = Milestone.objects.select_related("agreement").get(
                pk=rng.choice(milestone_ids)
            )
            services.milestone_set_date(milestone=milestone, date=_day(rng, within_days=200))
            writers.count(f"{MilestoneKind(milestone.kind).label} moves")
        elif action < 0.75 or not created:
            agreement = rng.choice(agreements)
            commitment = Commitment(
                agreement=agreement,
                reference=f"9.{writers.done['created'] + 1}",
                title="Added while others write",
                timeline_wording=f"within {rng.randrange(1, 9)} months",
                status=rng.choice(list(CommitmentStatus)),
            )
            services.commitment_save(commitment=commitment, responsible=agreement.parties.all())
            created.append(commitment)
            writers.count("created")
        else:
            services.commitment_delete(commitment=created.pop(rng.randrange(len(created))))
            writers.count("deleted")

    threads = [
        *(writers.thread(f"status-{number}", change_a_status) for number in range(STATUS_WRITERS)),
        writers.thread("scan", scan),
        writers.thread("deadlines-and-rows", move_deadlines_and_rows),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION_SECONDS + 60)

    assert not any(thread.is_alive() for thread in threads)
    assert writers.failed_scans == []
    assert writers.unexpected == []
    # Every kind of writer had its turns.
    for what in ("status changes", "scans that flagged or cleared", "created", "deleted"):
        assert writers.done[what] > 5, writers.done
    assert selectors.agreement_figures_check().differences == []
    call_command("refresh_figures", "--check")
