"""Obligations per party (issue 21 item 1): each responsible party's own status, the
commitment's status derived from them, per-party scores, overdue and history as of a date."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from tracker import selectors, services
from tracker.models import Commitment, CommitmentStatus, Obligation, StatusChange
from tracker.services.obligations import derived_status

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, PartyFactory

S = CommitmentStatus
TODAY = datetime.date(2026, 4, 1)


@pytest.fixture
def parties(db):
    return PartyFactory(code="AFG", name="Afghanistan"), PartyFactory(code="PAK", name="Pakistan")


@pytest.fixture
def joint(parties):
    """Due 28 February 2026, AFG and PAK both responsible, not started."""
    agreement = AgreementFactory(parties=list(parties))
    return CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")


def _statuses(commitment) -> dict[str, str]:
    return dict(
        Obligation.objects.filter(commitment=commitment).values_list("party__code", "status")
    )


def _set(commitment, party, status, **kwargs):
    return services.obligation_set_status(
        commitment=Commitment.objects.get(pk=commitment.pk),
        party=party,
        status=status,
        reason=kwargs.pop("reason", "Reported"),
        by=None,
        **kwargs,
    )


# The rule


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.PARTIAL, S.PARTIAL], S.PARTIAL),
        ([S.IMPLEMENTED, S.ABANDONED], S.IMPLEMENTED),
        ([S.ABANDONED, S.ABANDONED], S.ABANDONED),
        ([S.IMPLEMENTED, S.NOT_STARTED], S.NOT_STARTED),
        ([S.IMPLEMENTED, S.PARTIAL], S.PARTIAL),
        ([S.STALLED, S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.STALLED, S.PARTIAL, S.ABANDONED], S.STALLED),
    ],
)
def test_the_rule_gives_the_least_advanced_open_status_or_the_closure(statuses, expected):
    assert derived_status(statuses) == expected


def test_the_rule_gives_nothing_without_parties():
    assert derived_status([]) is None


@given(st.lists(st.sampled_from(S.values), min_size=1, max_size=6))
def test_the_derived_status_is_one_of_the_parties_and_closed_only_when_all_are(statuses):
    derived = derived_status(statuses)
    assert derived in statuses
    assert S(derived).is_closed == all(S(status).is_closed for status in statuses)
    assert derived_status(list(reversed(statuses))) == derived
    if len(set(statuses)) == 1:
        assert derived == statuses[0]


@given(st.sampled_from(S.values))
def test_a_single_party_gives_its_own_status(status):
    assert derived_status([status]) == status


# Kept in step with the responsible parties


def test_a_new_commitment_gives_each_party_its_status(parties):
    agreement = AgreementFactory(parties=list(parties))
    commitment = CommitmentFactory(agreement=agreement, status=S.IN_PROGRESS)
    assert _statuses(commitment) == {"AFG": S.IN_PROGRESS, "PAK": S.IN_PROGRESS}
    assert Commitment.objects.get(pk=commitment.pk).version == 1


def test_a_party_added_beside_others_starts_not_started_and_the_status_follows(parties):
    afg, pak = parties
    agreement = AgreementFactory(parties=list(parties))
    commitment = CommitmentFactory(agreement=agreement, status=S.PARTIAL, responsible=[afg])
    services.commitment_save(commitment=commitment, responsible=[afg, pak])
    assert _statuses(commitment) == {"AFG": S.PARTIAL, "PAK": S.NOT_STARTED}
    assert Commitment.objects.get(pk=commitment.pk).status == S.NOT_STARTED
    change = StatusChange.objects.get(commitment=commitment)
    assert (change.party, change.from_status, change.to_status) == (pak, S.PARTIAL, S.NOT_STARTED)


def test_a_party_removed_loses_its_obligation_and_the_status_follows(joint, parties):
    afg, _pak = parties
    _set(joint, afg, S.IMPLEMENTED)
    services.commitment_save(commitment=Commitment.objects.get(pk=joint.pk), responsible=[afg])
    assert _statuses(joint) == {"AFG": S.IMPLEMENTED}
    assert Commitment.objects.get(pk=joint.pk).status == S.IMPLEMENTED
    assert StatusChange.objects.filter(party=afg).count() == 1  # its history stays


def test_a_save_with_a_stale_status_keeps_the_derived_one(joint, parties):
    _set(joint, parties[0], S.IN_PROGRESS)
    stale = Commitment.objects.get(pk=joint.pk)
    stale.status = S.IMPLEMENTED
    services.commitment_save(commitment=stale)
    assert Commitment.objects.get(pk=joint.pk).status == S.NOT_STARTED


# One party's change


def test_one_partys_change_moves_its_obligation_and_derives_the_commitment(joint, parties):
    afg, pak = parties
    change = _set(joint, afg, S.IMPLEMENTED, reason="Patrols began")
    assert _statuses(joint) == {"AFG": S.IMPLEMENTED, "PAK": S.NOT_STARTED}
    assert (change.party, change.from_status, change.to_status) == (
        afg,
        S.NOT_STARTED,
        S.IMPLEMENTED,
    )
    assert Commitment.objects.get(pk=joint.pk).status == S.NOT_STARTED
    _set(joint, pak, S.IMPLEMENTED)
    assert Commitment.objects.get(pk=joint.pk).status == S.IMPLEMENTED
    assert not selectors.agreement_figures_check().differences


def test_a_stale_version_of_a_party_conflicts_and_writes_nothing(joint, parties):
    afg = parties[0]
    seen = Obligation.objects.get(commitment=joint, party=afg).version
    _set(joint, afg, S.IN_PROGRESS)
    with pytest.raises(services.ObligationConflict):
        _set(joint, afg, S.PARTIAL, expected_version=seen)
    assert _statuses(joint)["AFG"] == S.IN_PROGRESS


def test_a_party_not_responsible_is_refused_by_name(joint):
    outsider = PartyFactory(code="IRN")
    with pytest.raises(ValidationError) as error:
        _set(joint, outsider, S.IN_PROGRESS)
    assert "IRN is not responsible" in str(error.value)
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [(S.NOT_STARTED, "Why", "status"), (S.IN_PROGRESS, "   ", "reason"), ("late", "Why", None)],
)
def test_bad_input_is_refused_and_changes_nothing(joint, parties, status, reason, field):
    with pytest.raises((ValidationError, ValueError)) as error:
        _set(joint, parties[0], status, reason=reason)
    if field:
        assert field in error.value.message_dict
    assert not StatusChange.objects.exists()
    assert Commitment.objects.get(pk=joint.pk).version == joint.version


def test_evidence_about_the_other_party_cannot_be_cited(joint, parties):
    afg, pak = parties
    evidence = EvidenceFactory(commitment=joint, concerns_party=pak)
    with pytest.raises(ValidationError, match="concerns PAK, not AFG"):
        _set(joint, afg, S.IN_PROGRESS, evidence=evidence)
    _set(joint, pak, S.IN_PROGRESS, evidence=evidence)


def test_evidence_concerns_only_a_responsible_party(joint):
    with pytest.raises(ValidationError) as error:
        services.evidence_log(
            commitment=joint, by=None, summary="Seen", concerns_party=PartyFactory(code="IRN")
        )
    assert "concerns_party" in error.value.message_dict
    assert not joint.evidence.exists()


# The whole commitment's change


def test_a_whole_change_of_agreeing_parties_is_one_change_for_all(joint, parties):
    change = services.commitment_set_status(
        commitment=joint, status=S.IN_PROGRESS, reason="Both began", by=None
    )
    assert change.party is None
    assert _statuses(joint) == {"AFG": S.IN_PROGRESS, "PAK": S.IN_PROGRESS}
    assert StatusChange.objects.count() == 1


def test_a_whole_change_of_parties_that_differ_names_each_party_moved(joint, parties):
    afg, pak = parties
    _set(joint, afg, S.IMPLEMENTED)
    services.commitment_set_status(
        commitment=Commitment.objects.get(pk=joint.pk),
        status=S.IMPLEMENTED,
        reason="Both done",
        by=None,
    )
    latest = StatusChange.objects.filter(reason="Both done")
    assert [(c.party, c.from_status) for c in latest] == [(pak, S.NOT_STARTED)]
    assert Commitment.objects.get(pk=joint.pk).status == S.IMPLEMENTED


def test_a_whole_change_conflicts_after_a_partys_change(joint, parties):
    _set(joint, parties[0], S.IN_PROGRESS)
    with pytest.raises(services.StatusConflict):
        services.commitment_set_status(
            commitment=joint, status=S.PARTIAL, reason="x", by=None, expected_version=1
        )


# Scores and overdue per party


def test_each_party_is_scored_on_its_own_statuses(joint, parties):
    afg, _ = parties
    _set(joint, afg, S.IMPLEMENTED)
    scores = {
        s.code: s.score for s in selectors.party_scores([joint.agreement_id])[joint.agreement_id]
    }
    assert scores == {"AFG": 100, "PAK": 0}


def test_a_joint_commitment_late_for_one_party_is_listed_under_that_party_only(
    joint, parties, analyst
):
    services.overdue_scan(today=TODAY)
    _set(joint, parties[0], S.IMPLEMENTED)
    rows = selectors.overdue_by_party(analyst, filters={})
    assert [(row.commitment_id, row.party.code) for row in rows] == [(joint.pk, "PAK")]
    groups = selectors.overdue_groups(
        analyst, filters={}, agreement_ids=[joint.agreement_id], today=TODAY
    )
    assert [party.name for party in groups[0].parties] == ["Pakistan"]


def test_when_every_party_closed_nothing_is_late(joint, parties, analyst):
    services.overdue_scan(today=TODAY)
    _set(joint, parties[0], S.IMPLEMENTED)
    _set(joint, parties[1], S.ABANDONED)
    assert not selectors.overdue_by_party(analyst, filters={}).exists()


# Status as of a cut-off


def test_statuses_as_of_read_each_partys_last_change_by_then(joint, parties):
    afg, pak = parties
    day = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    services.commitment_set_status(
        commitment=joint, status=S.IN_PROGRESS, reason="Both", by=None, at=day
    )
    _set(joint, afg, S.PARTIAL, at=day + datetime.timedelta(days=10))
    _set(joint, pak, S.STALLED, at=day + datetime.timedelta(days=20))
    as_of = selectors.obligation_statuses_as_of
    assert as_of(joint.agreement, day - datetime.timedelta(days=1)) == {
        (joint.pk, afg.pk): S.NOT_STARTED,
        (joint.pk, pak.pk): S.NOT_STARTED,
    }
    assert as_of(joint.agreement, day + datetime.timedelta(days=15)) == {
        (joint.pk, afg.pk): S.PARTIAL,
        (joint.pk, pak.pk): S.IN_PROGRESS,
    }
    assert as_of(joint.agreement, datetime.date(2026, 3, 21)) == {
        (joint.pk, afg.pk): S.PARTIAL,
        (joint.pk, pak.pk): S.STALLED,
    }


def test_statuses_as_of_take_two_queries(joint, parties, django_assert_max_num_queries):
    for n in range(5):
        _set(joint, parties[n % 2], [S.IN_PROGRESS, S.PARTIAL][n // 2 % 2] if n < 4 else S.STALLED)
    with django_assert_max_num_queries(2):
        selectors.obligation_statuses_as_of(joint.agreement, datetime.date(2030, 1, 1))


# Two parties at once


@pytest.mark.django_db(transaction=True)
def test_two_parties_changed_at_once_leave_the_status_and_figures_as_a_recount():
    """Each round both parties move at the same moment. A writer that derived the commitment's
    status without the other's change would leave it wrong."""
    agreement = AgreementFactory()
    commitment = CommitmentFactory(agreement=agreement)
    parties = list(agreement.parties.all())
    errors: list[BaseException] = []
    mismatches = []
    rounds = [S.IN_PROGRESS, S.IMPLEMENTED, S.STALLED, S.ABANDONED, S.PARTIAL, S.IMPLEMENTED]

    def move(party, status, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=30)
            _set(commitment, party, status)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    for number, status in enumerate(rounds):
        start = threading.Barrier(len(parties))
        writers = [threading.Thread(target=move, args=(party, status, start)) for party in parties]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=60)
        stored = Commitment.objects.get(pk=commitment.pk).status
        if stored != derived_status(_statuses(commitment).values()) or stored != status:
            mismatches.append(number)
    assert not errors
    assert not mismatches
    assert not selectors.agreement_figures_check().differences


# The data migration


def test_the_migration_gives_each_responsible_party_the_commitments_status(parties):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tracker.migrations.0025_obligations")
    afg, pak = parties
    agreement = AgreementFactory(parties=list(parties))
    joint = CommitmentFactory(agreement=agreement, status=S.PARTIAL)
    alone = CommitmentFactory(agreement=agreement, status=S.STALLED, responsible=[pak])
    Obligation.objects.all().delete()
    with connection.schema_editor() as editor:
        migration.obligations_from_responsible_parties(apps, editor)
    assert set(Obligation.objects.values_list("commitment_id", "party_id", "status")) == {
        (joint.pk, afg.pk, S.PARTIAL),
        (joint.pk, pak.pk, S.PARTIAL),
        (alone.pk, pak.pk, S.STALLED),
    }
