"""`build_round_snapshot`: the agreement as it stood at the end of the cut-off day."""

import datetime

from tracker.models import Commitment
from tracker.rounds.snapshot import SCHEMA, build_round_snapshot

from .conftest import CUTOFF


def _item(snapshot, reference):
    return next(item for item in snapshot["commitments"] if item["reference"] == reference)


def test_it_freezes_each_partys_status_as_of_the_cutoff(accord, pak, afg):
    snapshot = build_round_snapshot(accord, CUTOFF)
    patrols = _item(snapshot, "2.1")
    assert snapshot["schema"] == SCHEMA
    assert snapshot["cutoff"] == "2026-04-01"
    assert [(p["party_id"], p["status"], p["score"]) for p in patrols["parties"]] == [
        (afg.pk, "in_progress", 1),
        (pak.pk, "in_progress", 1),
    ]
    assert patrols["parties"][0]["last_change"]["reason"] == "Patrols announced"


def test_before_any_change_it_takes_where_the_first_later_change_started(accord):
    snapshot = build_round_snapshot(accord, datetime.date(2026, 3, 1))
    assert {p["status"] for p in _item(snapshot, "2.1")["parties"]} == {"not_started"}
    assert _item(snapshot, "2.1")["parties"][0]["last_change"] is None


def test_it_keeps_the_evidence_logged_by_the_cutoff_only(accord):
    evidence = _item(build_round_snapshot(accord, CUTOFF), "2.1")["evidence"]
    assert [(e["summary"], e["grade"], e["source_url"]) for e in evidence] == [
        ("First joint patrol near Torkham", "B2", "https://dawn.example/patrol")
    ]


def test_evidence_retracted_after_the_cutoff_counts_as_it_was(accord, analyst):
    from tracker import services

    evidence = Commitment.objects.get(reference="2.1").evidence.first()
    services.evidence_retract(evidence=evidence, reason="Wrong place", by=analyst)
    assert len(_item(build_round_snapshot(accord, CUTOFF), "2.1")["evidence"]) == 1
    today = _item(build_round_snapshot(accord, datetime.date(2026, 6, 15)), "2.1")["evidence"]
    assert [e["summary"] for e in today] == ["Patrols suspended"]


def test_an_ongoing_commitment_is_not_verifiable_and_left_out_of_the_scores(accord, pak, afg):
    snapshot = build_round_snapshot(accord, CUTOFF)
    assert _item(snapshot, "4.1")["verifiable"] is False
    # 2.1 in progress for both (1 point each), 3.1 not started for PAK: AFG 1/3, PAK 1/6.
    assert snapshot["scores"] == {
        "overall": 22,
        "by_party": {str(pak.pk): 17, str(afg.pk): 33},
    }


def test_it_reads_a_constant_number_of_queries(accord, django_assert_max_num_queries):
    from ..factories import CommitmentFactory

    with django_assert_max_num_queries(8):
        build_round_snapshot(accord, CUTOFF)
    CommitmentFactory.create_batch(5, agreement=accord)
    with django_assert_max_num_queries(8):
        build_round_snapshot(accord, CUTOFF)


def test_each_party_keeps_its_own_status_and_reason(accord, pak, afg, analyst):
    """One party's own change (an obligation) moves that party alone in the snapshot; the
    change of the whole commitment before it still counts for both."""
    from tracker import services
    from tracker.models import CommitmentStatus

    from .conftest import moment

    patrols = Commitment.objects.get(agreement=accord, reference="2.1")
    services.obligation_set_status(
        commitment=patrols,
        party=pak,
        status=CommitmentStatus.PARTIAL,
        reason="Pakistan's sectors patrolled",
        by=analyst,
        at=moment(datetime.date(2026, 3, 20)),
    )
    parties = {
        p["party_id"]: p for p in _item(build_round_snapshot(accord, CUTOFF), "2.1")["parties"]
    }
    assert (parties[pak.pk]["status"], parties[afg.pk]["status"]) == ("partial", "in_progress")
    assert parties[pak.pk]["last_change"]["reason"] == "Pakistan's sectors patrolled"
    assert parties[afg.pk]["last_change"]["reason"] == "Patrols announced"
    before = {
        p["party_id"]: p["status"]
        for p in _item(build_round_snapshot(accord, datetime.date(2026, 3, 15)), "2.1")["parties"]
    }
    assert before == {pak.pk: "in_progress", afg.pk: "in_progress"}


def test_criteria_count_as_of_the_cutoff_and_the_g7_rule_scores_minus_one_to_one(accord, analyst):
    """A criterion met after the cut-off is frozen unmet; under the G7 rule a party in
    progress scores 0 and the scale runs from -1 to +1."""
    from tracker import services
    from tracker.models import ScoreRule

    patrols = Commitment.objects.get(agreement=accord, reference="2.1")
    early = services.criterion_add(commitment=patrols, text="Four sectors agreed", by=analyst)
    late = services.criterion_add(commitment=patrols, text="First joint patrol", by=analyst)
    services.criterion_set_met(
        criterion=early, met_on=datetime.date(2026, 3, 15), evidence=None, by=analyst
    )
    services.criterion_set_met(
        criterion=late, met_on=datetime.date(2026, 4, 20), evidence=None, by=analyst
    )
    accord.score_rule = ScoreRule.G7
    accord.save(update_fields=["score_rule"])
    snapshot = build_round_snapshot(accord, CUTOFF)
    criteria = _item(snapshot, "2.1")["criteria"]
    assert [(c["text"], c["met_on"]) for c in criteria] == [
        ("Four sectors agreed", "2026-03-15"),
        ("First joint patrol", None),
    ]
    assert (snapshot["scale"]["min"], snapshot["scale"]["max"]) == (-1, 1)
    assert {p["score"] for p in _item(snapshot, "2.1")["parties"]} == {0}
