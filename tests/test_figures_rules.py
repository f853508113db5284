"""Random sequences of writes, through the services and around them: after every step the
figures kept on each agreement equal a recount (hypothesis, rule-based)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tracker import selectors, services
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Milestone,
    OverdueFlag,
    StatusChange,
)

from .factories import AgreementFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db

SIGNED_ON = datetime.date(2026, 1, 31)
days = st.integers(min_value=-60, max_value=500).map(
    lambda offset: SIGNED_ON + datetime.timedelta(days=offset)
)
statuses = st.sampled_from(list(CommitmentStatus))


class Writes(RuleBasedStateMachine):
    commitments = Bundle("commitments")

    @initialize()
    def set_up(self) -> None:
        # Each example in a savepoint of its own, rolled back in teardown(): the next one
        # starts from the same empty database, whatever this one left.
        self.example = transaction.atomic()
        self.example.__enter__()
        parties = PartyFactory.create_batch(2)
        self.agreements = [AgreementFactory(parties=parties) for _ in range(3)]
        self.milestones = [MilestoneFactory(agreement=a) for a in self.agreements]
        self.milestones += [a.milestones.get(kind="signing") for a in self.agreements]
        # Read now, saved at the end of some step: as an editor's form would.
        self.stale = Agreement.objects.get(pk=self.agreements[0].pk)
        self.references = 0

    def _reference(self) -> str:
        self.references += 1
        return f"{self.references}.1"

    @rule(target=commitments, index=st.integers(0, 2), status=statuses, months=st.integers(1, 12))
    def create_through_the_service(self, index, status, months):
        agreement = self.agreements[index]
        commitment = Commitment(
            agreement=agreement,
            reference=self._reference(),
            title="Through the service",
            timeline_wording=f"within {months} months",
            deadline_milestone=self.milestones[index] if months % 2 else None,
            status=status,
        )
        return services.commitment_save(commitment=commitment, responsible=[])

    @rule(target=commitments, index=st.integers(0, 2), status=statuses, due_on=days)
    def create_with_the_orm(self, index, status, due_on):
        return Commitment.objects.create(
            agreement=self.agreements[index],
            reference=self._reference(),
            title="Around the services",
            status=status,
            due_on=due_on,
        )

    @rule(commitment=commitments, status=statuses)
    def change_the_status_through_the_service(self, commitment, status):
        commitment.refresh_from_db()
        if status != commitment.status:
            services.commitment_set_status(
                commitment=commitment, status=status, reason="Seen", by=None
            )

    @rule(commitment=commitments, status=statuses)
    def change_the_status_with_the_orm(self, commitment, status):
        Commitment.objects.filter(pk=commitment.pk).update(status=status)

    @rule(commitment=commitments, index=st.integers(0, 2))
    def move_to_another_agreement(self, commitment, index):
        commitment.refresh_from_db()
        commitment.agreement = self.agreements[index]
        commitment.deadline_milestone = None
        commitment.save()

    @rule(commitment=consumes(commitments), through_the_service=st.booleans())
    def delete(self, commitment, through_the_service):
        StatusChange.objects.filter(commitment=commitment).delete()
        if through_the_service:
            services.commitment_delete(commitment=commitment)
        else:
            Commitment.objects.filter(pk=commitment.pk).delete()

    @rule(today=days)
    def scan(self, today):
        services.overdue_scan(today=today)

    @rule(commitment=commitments)
    def clear_its_flag_by_hand(self, commitment):
        OverdueFlag.objects.filter(commitment=commitment, cleared_at__isnull=True).update(
            cleared_at=timezone.now(), clear_reason=OverdueFlag.ClearReason.CLOSED
        )

    @rule(index=st.integers(0, 5), day=days)
    def move_a_milestone(self, index, day):
        milestone = Milestone.objects.get(pk=self.milestones[index].pk)
        services.milestone_set_date(milestone=milestone, date=day)

    @rule(title=st.text(alphabet="Accord ", min_size=1, max_size=20))
    def save_an_agreement_read_long_ago(self, title):
        self.stale.title = title
        self.stale.save()

    @invariant()
    def figures_equal_a_recount(self):
        assert selectors.agreement_figures_check().differences == []

    def teardown(self) -> None:
        if hasattr(self, "example"):
            transaction.set_rollback(True)
            self.example.__exit__(None, None, None)


def test_it_keeps_the_figures_equal_to_a_recount_after_every_write():
    run_state_machine_as_test(
        Writes,
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
