"""Per-party statuses through the import format: `obligations`, a history entry's `party`,
evidence's `concerns_party`, and the export that round-trips them."""

import datetime
import inspect
import json
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import selectors, services
from tracker.exports import agreements_document
from tracker.import_files import ImportFailed, read_document
from tracker.import_plan import read_plan
from tracker.importer import run_import
from tracker.models import Commitment, Obligation, StatusChange

pytestmark = pytest.mark.django_db

DOHA = """
parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    commitments:
      - reference: "2.1"
        title: Create joint border patrols
        timeline: Within 1 month
"""


def _import(text: str, name: str = "agreements.yaml"):
    document = read_document(name, textwrap.dedent(text).encode())
    return run_import(document, file_name=name, by=None)


def _errors(text: str) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        _import(text)
    return failure.value.errors


def _with(extra: str) -> str:
    return DOHA + textwrap.indent(inspect.cleandoc(extra) + "\n", " " * 8)


def _statuses() -> dict[str, str]:
    return dict(Obligation.objects.values_list("party__code", "status"))


def test_obligations_set_each_partys_status_through_the_service():
    _import(DOHA)
    _import(_with("obligations: {AFG: implemented, PAK: in_progress}\n"))
    assert _statuses() == {"AFG": "implemented", "PAK": "in_progress"}
    assert Commitment.objects.get().status == "in_progress"
    reasons = set(StatusChange.objects.values_list("party__code", "reason"))
    assert reasons == {
        ("AFG", "Imported from agreements.yaml"),
        ("PAK", "Imported from agreements.yaml"),
    }


def test_a_history_entry_naming_a_party_moves_that_party():
    _import(
        _with(
            """history:
              - {at: "2026-02-11T09:00:00+00:00", status: in_progress, reason: Both began}
              - {at: "2026-03-11T09:00:00+00:00", party: PAK, status: implemented, reason: Done}
            """
        )
    )
    assert _statuses() == {"AFG": "in_progress", "PAK": "implemented"}
    assert list(StatusChange.objects.values_list("party__code", "to_status")) == [
        (None, "in_progress"),
        ("PAK", "implemented"),
    ]


def test_a_status_that_does_not_follow_from_the_obligations_is_refused():
    errors = _errors(_with("status: implemented\nobligations: {AFG: implemented, PAK: stalled}\n"))
    assert any("does not follow from the parties' statuses" in error for error in errors)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("obligations", "message"),
    [
        ("{AFG: done}", "is not one of"),
        ("[AFG]", "should be a mapping"),
        ("{IRN: stalled}", "IRN is not responsible"),
    ],
)
def test_bad_obligations_are_refused_with_their_place(obligations, message):
    _import("parties: [{code: IRN, name: Iran}]\n")
    errors = _errors(_with(f"obligations: {obligations}\n"))
    assert any(message in error and "2.1" in error for error in errors), errors
    assert not Commitment.objects.exists()


def test_evidence_names_the_party_it_concerns():
    _import(_with("evidence:\n  - {summary: PAK patrols seen, concerns_party: PAK}\n"))
    assert Commitment.objects.get().evidence.get().concerns_party.code == "PAK"
    errors = _errors(
        _with("evidence:\n  - {summary: Other, concerns_party: NOPE}\n").replace("doha", "d2")
    )
    assert any("concerns_party" in error for error in errors)


def test_a_joint_commitment_imported_late_for_one_party_is_late_for_it_only(analyst):
    _import(_with("obligations: {AFG: implemented, PAK: not_started}\n"))
    services.overdue_scan(today=datetime.date(2026, 4, 1))
    rows = selectors.overdue_by_party(analyst, filters={})
    assert [row.party.code for row in rows] == ["PAK"]


def test_per_party_statuses_round_trip_through_the_export():
    _import(
        _with(
            """history:
              - {at: "2026-02-11T09:00:00+00:00", status: in_progress, reason: Both began}
              - {at: "2026-03-11T09:00:00+00:00", party: PAK, status: implemented, reason: Done}
            evidence:
              - {summary: PAK patrols seen, concerns_party: PAK}
            """
        )
    )
    agreement = Commitment.objects.get().agreement
    document = agreements_document([selectors.agreement_for_export(agreement)])
    (commitment,) = document["agreements"][0]["commitments"]
    assert commitment["obligations"] == {"AFG": "in_progress", "PAK": "implemented"}
    assert commitment["history"][1]["party"] == "PAK"
    assert commitment["evidence"][0]["concerns_party"] == "PAK"
    document["agreements"][0]["slug"] = "doha-copy"
    _import(json.dumps(document), "copy.json")
    copy = Commitment.objects.get(agreement__slug="doha-copy")
    assert dict(copy.obligations.values_list("party__code", "status")) == {
        "AFG": "in_progress",
        "PAK": "implemented",
    }
    assert list(copy.status_changes.values_list("party__code", "to_status", "reason")) == list(
        Commitment.objects.get(agreement__slug="doha").status_changes.values_list(
            "party__code", "to_status", "reason"
        )
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.none(),
        st.text(max_size=10),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(
            st.text(max_size=6),
            st.one_of(st.text(max_size=12), st.integers(), st.none(), st.lists(st.text())),
            max_size=4,
        ),
    )
)
def test_reading_any_obligations_value_gives_a_plan_or_errors_never_a_crash(value):
    document = {
        "agreements": [
            {
                "slug": "x",
                "commitments": [{"reference": "1", "obligations": value}],
            }
        ]
    }
    try:
        plan = read_plan(document, file_name="f.json")
    except ImportFailed as failure:
        errors = failure.errors
    else:
        errors = []
        obligations = plan.agreements[0].commitments[0].obligations
        assert obligations is None or all(isinstance(code, str) for code in obligations)
    assert all(isinstance(error, str) for error in errors)
