"""Completion criteria and the score rule in the import format (issue 21): read, written
through the criteria services, exported and read back the same."""

import json
import textwrap

import pytest

from tracker import selectors
from tracker.exports import agreements_document
from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment, Criterion

from .helpers import empty_the_database

pytestmark = pytest.mark.django_db

DOCUMENT = """
parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    score_rule: g7
    commitments:
      - reference: "2.1"
        title: Create joint border patrols
        timeline: ongoing
        evidence:
          - {summary: First patrol seen, stance: progress, reliability: B, credibility: 2}
        criteria:
          - {text: Four patrol sectors agreed}
          - {text: First joint patrol, met_on: 2026-03-01, evidence: 1}
      - reference: "2.2"
        title: Talk regularly
        timeline: ongoing
"""


def _import(text: str, name: str = "agreements.yaml", **options):
    document = read_document(name, textwrap.dedent(text).encode())
    return run_import(document, file_name=name, by=options.pop("by", None), **options)


def _document() -> dict:
    return agreements_document([selectors.agreement_for_export(Agreement.objects.get())])


def test_criteria_are_imported_through_the_services():
    _import(DOCUMENT)
    commitment = Commitment.objects.get(reference="2.1")
    criteria = list(commitment.criteria.values_list("text", "met_on", "evidence__summary"))
    assert [(text, str(day) if day else None, cited) for text, day, cited in criteria] == [
        ("Four patrol sectors agreed", None, None),
        ("First joint patrol", "2026-03-01", "First patrol seen"),
    ]
    assert commitment.is_verifiable
    assert not Commitment.objects.get(reference="2.2").is_verifiable
    agreement = Agreement.objects.get()
    assert (agreement.score_rule, agreement.commitment_count, agreement.scored_count) == (
        "g7",
        2,
        1,
    )
    assert selectors.agreement_figures_check().differences == []


def test_importing_again_changes_nothing():
    _import(DOCUMENT)
    report = _import(DOCUMENT)
    assert ("criterion", "unchanged", 2) in report.counts()
    assert Criterion.objects.count() == 2


def test_export_then_import_gives_the_same_document():
    _import(DOCUMENT)
    first = _document()
    assert first["agreements"][0]["score_rule"] == "g7"
    assert first["agreements"][0]["commitments"][0]["criteria"] == [
        {"text": "Four patrol sectors agreed"},
        {"text": "First joint patrol", "met_on": "2026-03-01", "evidence": 1},
    ]
    empty_the_database()
    read = read_document("again.json", json.dumps(first).encode())
    run_import(read, file_name="again.json", by=None)
    assert _document() == first


def test_a_criterion_citing_evidence_that_is_not_there_is_refused():
    text = DOCUMENT.replace("met_on: 2026-03-01, evidence: 1", "met_on: 2026-03-01, evidence: 5")
    with pytest.raises(ImportFailed) as failure:
        _import(text)
    assert any(
        "criterion 2, field evidence: there is no evidence 5" in e for e in failure.value.errors
    )
    assert not Criterion.objects.exists()


def test_evidence_on_a_criterion_not_met_is_refused():
    text = DOCUMENT.replace("{text: Four patrol sectors agreed}", "{text: Four, evidence: 1}")
    with pytest.raises(ImportFailed) as failure:
        _import(text)
    assert any("only a criterion met" in e for e in failure.value.errors)
