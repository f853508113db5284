"""A change and its audit record (history rows, status changes) commit together or not at
all: when the database refuses the record, the change is not saved either.

The refusal is a real one: a trigger on the audit table raises, as a full disk or a broken
column would. The tests commit for real (`transaction=True`), as a command or a Celery task
does, so that a service that wrote outside one transaction would leave its change behind.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import DatabaseError, connection

from tracker import services
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Evidence,
    Milestone,
    Obligation,
    Party,
    Stance,
)

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REFUSE = """
CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit record was refused (test): %', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql
"""


@pytest.fixture
def refuse_inserts():
    """`refuse_inserts(table)`: every insert into that table fails until the test ends."""
    tables = []
    with connection.cursor() as cursor:
        cursor.execute(REFUSE)

    def refuse(table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()"
            )
        tables.append(table)

    yield refuse
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TRIGGER IF EXISTS test_refuse_audit ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS test_refuse_audit()")


@dataclass
class World:
    """One agreement between A and B; a commitment counted from a meeting, on which A claims
    progress and B a setback (disputed), and a spare one; a second agreement between the
    same parties."""

    agreement: Agreement
    other: Agreement
    meeting: Milestone
    commitment: Commitment
    progress: Evidence
    setback: Evidence
    spare: Commitment
    user: object

    def fresh(self, obj):
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def world() -> World:
    user = UserFactory(username="editor")
    agreement = AgreementFactory(signed_on=datetime.date(2026, 1, 31))
    other = AgreementFactory(parties=list(agreement.parties.all()))
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 1))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", deadline_milestone=meeting
    )
    first, second = agreement.parties.order_by("code")
    progress, setback = (
        services.evidence_log(
            commitment=commitment, by=user, summary=str(stance), stance=stance, claimed_by=party
        )
        for party, stance in ((first, Stance.PROGRESS), (second, Stance.SETBACK))
    )
    commitment.refresh_from_db()
    assert commitment.is_disputed
    spare = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    return World(agreement, other, meeting, commitment, progress, setback, spare, user)


def _state() -> dict:
    """Everything a service might change, as plain values."""
    return {
        "agreements": list(
            Agreement.objects.order_by("pk").values(
                "pk", "title", "signed_on", "commitment_count", "scored_count", "score_points"
            )
        ),
        "parties": list(Agreement.parties.through.objects.order_by("pk").values_list()),
        "party_rows": list(Party.objects.order_by("pk").values_list("pk", "code")),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "date")),
        "commitments": list(
            Commitment.objects.order_by("pk").values(
                "pk",
                "agreement_id",
                "reference",
                "title",
                "status",
                "version",
                "timeline_wording",
                "due_on",
                "original_due_on",
                "is_disputed",
            )
        ),
        "prerequisites": list(Commitment.depends_on.through.objects.values_list()),
        "evidence": list(
            Evidence.objects.order_by("pk").values(
                "pk", "summary", "stance", "claimed_by_id", "retracted_at"
            )
        ),
        "status_changes": list(Commitment.objects.values_list("status_changes")),
        "obligations": list(
            Obligation.objects.order_by("pk").values_list("pk", "party_id", "status", "version")
        ),
        "extensions": list(Commitment.objects.values_list("extensions")),
    }


def _log(w: World):
    services.evidence_log(
        commitment=w.fresh(w.commitment),
        by=w.user,
        summary="B changes its mind",
        stance=Stance.PROGRESS,
        claimed_by=w.setback.claimed_by,
    )


def _update(w: World):
    services.evidence_update(evidence=w.fresh(w.setback), by=w.user, stance=Stance.PROGRESS)


def _retract(w: World):
    services.evidence_retract(evidence=w.fresh(w.setback), reason="Denied", by=w.user)


def _set_status(w: World):
    services.commitment_set_status(
        commitment=w.fresh(w.commitment),
        status=CommitmentStatus.IMPLEMENTED,
        reason="Done",
        by=w.user,
    )


def _set_party_status(w: World):
    services.obligation_set_status(
        commitment=w.fresh(w.commitment),
        party=w.progress.claimed_by,
        status=CommitmentStatus.IMPLEMENTED,
        reason="A's part done",
        by=w.user,
    )


def _save_new(w: World):
    services.commitment_save(
        commitment=Commitment(agreement=w.agreement, reference="9.1", title="New"),
        responsible=list(w.agreement.parties.all()),
        by=w.user,
    )


def _save_changed(w: World):
    commitment = w.fresh(w.commitment)
    commitment.timeline_wording = "within 2 months"
    services.commitment_save(commitment=commitment, by=w.user)


def _move(w: World):
    commitment = w.fresh(w.commitment)
    commitment.agreement, commitment.deadline_milestone = w.other, None
    services.commitment_save(commitment=commitment, by=w.user)


def _set_dependencies(w: World):
    services.commitment_set_dependencies(
        commitment=w.fresh(w.commitment), prerequisites=[w.fresh(w.spare)]
    )


def _extend(w: World):
    services.commitment_extend_deadline(
        commitment=w.fresh(w.commitment), wording="by 31 December 2026", reason="Talks", by=w.user
    )


def _delete(w: World):
    services.commitments_delete(commitments=[w.fresh(w.spare)], by=w.user)


def _milestone_save(w: World):
    meeting = w.fresh(w.meeting)
    meeting.date = datetime.date(2026, 4, 1)
    services.milestone_save(milestone=meeting, by=w.user)


def _milestone_set_date(w: World):
    services.milestone_set_date(
        milestone=w.fresh(w.meeting), date=datetime.date(2026, 4, 1), by=w.user
    )


def _agreement_save(w: World):
    agreement = w.fresh(w.agreement)
    agreement.title, agreement.signed_on = "Renamed", datetime.date(2026, 2, 15)
    services.agreement_save(agreement=agreement, parties=agreement.parties.all(), by=w.user)


def _accept_draft(w: World):
    services.agreement_accept_draft(
        agreement=Agreement(title="Drafted", slug="drafted", signed_on=datetime.date(2026, 1, 1)),
        parties=[Party(code="NEW", name="Newland"), *w.agreement.parties.all()],
        commitments=[(Commitment(reference="1", title="One", timeline_wording="ongoing"), [])],
        by=w.user,
    )


CASES = [
    ("evidence_log", _log, "tracker_historicalevidence"),
    ("evidence_update", _update, "tracker_historicalevidence"),
    ("evidence_retract", _retract, "tracker_historicalevidence"),
    ("commitment_set_status", _set_status, "tracker_historicalcommitment"),
    ("commitment_set_status, its status change", _set_status, "tracker_statuschange"),
    ("obligation_set_status", _set_party_status, "tracker_historicalobligation"),
    ("obligation_set_status, its status change", _set_party_status, "tracker_statuschange"),
    (
        "obligation_set_status, the commitment's record",
        _set_party_status,
        "tracker_historicalcommitment",
    ),
    ("commitment_set_status, the obligations' record", _set_status, "tracker_historicalobligation"),
    ("commitment_save, new", _save_new, "tracker_historicalcommitment"),
    ("commitment_save, new, its obligations' record", _save_new, "tracker_historicalobligation"),
    (
        "commitment_save, parties' record",
        _save_new,
        "tracker_historicalcommitment_responsible_parties",
    ),
    ("commitment_save, changed", _save_changed, "tracker_historicalcommitment"),
    ("commitment_save, moved", _move, "tracker_historicalcommitment"),
    ("commitment_set_dependencies", _set_dependencies, "tracker_historicalcommitment"),
    ("commitment_extend_deadline", _extend, "tracker_historicalcommitment"),
    ("commitments_delete", _delete, "tracker_historicalcommitment"),
    ("milestone_save", _milestone_save, "tracker_historicalmilestone"),
    ("milestone_save, the due dates' record", _milestone_save, "tracker_historicalcommitment"),
    ("milestone_set_date", _milestone_set_date, "tracker_historicalmilestone"),
    ("agreement_save", _agreement_save, "tracker_historicalagreement"),
    ("agreement_save, the signing's record", _agreement_save, "tracker_historicalmilestone"),
    ("agreement_accept_draft", _accept_draft, "tracker_historicalcommitment"),
    ("agreement_accept_draft, a party's record", _accept_draft, "tracker_historicalparty"),
]


@pytest.mark.parametrize(
    ("write", "audit_table"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_a_refused_audit_record_leaves_nothing_changed(world, refuse_inserts, write, audit_table):
    before = _state()
    refuse_inserts(audit_table)

    with pytest.raises(DatabaseError, match="the audit record was refused"):
        write(world)

    assert _state() == before


@pytest.mark.parametrize("write", [case[1] for case in CASES], ids=[c[0] for c in CASES])
def test_each_write_above_changes_something_when_its_record_is_written(world, write):
    """The other half of the test above: without the refusal, the write shows."""
    before = _state()
    write(world)
    assert _state() != before
