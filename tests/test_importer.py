"""The importer: nested documents written through the services, all or nothing, matched on
natural keys, statuses only through `commitment_set_status`."""

import datetime
import textwrap

import pytest

from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Evidence,
    Milestone,
    Party,
    StatusChange,
    Team,
)

from .factories import AgreementFactory, CommitmentFactory, PartyFactory, TeamFactory

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
    milestones:
      - {name: Talks start, kind: negotiations, date: 2026-03-01}
    commitments:
      - reference: "2.10"
        title: Create joint border patrols
        theme: Border management
        timeline: Within 3 months
      - reference: "2.2"
        title: Open the talks' hotline
        responsible: [AFG]
        timeline: within two weeks
        counted_from: Talks start
"""


def _import(text: str, name: str = "agreements.yaml", **options):
    document = read_document(name, textwrap.dedent(text).encode())
    return run_import(document, file_name=name, by=options.pop("by", None), **options)


def _errors(text: str, name: str = "agreements.yaml", **options) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        _import(text, name, **options)
    return failure.value.errors


def test_it_creates_agreements_with_parties_milestones_and_computed_due_dates():
    _import(DOHA)
    agreement = Agreement.objects.get(slug="doha")
    assert sorted(agreement.parties.values_list("code", flat=True)) == ["AFG", "PAK"]
    assert agreement.milestones.filter(kind="signing", date=datetime.date(2026, 1, 31)).exists()
    due = dict(agreement.commitments.values_list("reference", "due_on"))
    assert due == {"2.10": datetime.date(2026, 4, 30), "2.2": datetime.date(2026, 3, 15)}


def test_it_reads_choices_by_label_and_defaults_responsibility_to_every_party():
    _import(DOHA)
    patrols = Commitment.objects.get(reference="2.10")
    assert patrols.theme == "border"
    assert sorted(patrols.responsible_parties.values_list("code", flat=True)) == ["AFG", "PAK"]


def test_importing_the_same_file_again_changes_nothing():
    _import(DOHA)
    before = Commitment.objects.order_by("pk").values_list("pk", "updated_at")
    before = list(before)
    report = _import(DOHA)
    assert list(Commitment.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert report.made_changes == []
    assert Agreement.objects.count() == 1
    assert Milestone.objects.count() == 2


def test_a_changed_value_updates_the_matched_commitment_in_place():
    _import(DOHA)
    pk = Commitment.objects.get(reference="2.10").pk
    report = _import(DOHA.replace("Within 3 months", "within 4 months"))
    commitment = Commitment.objects.get(pk=pk)
    assert commitment.due_on == datetime.date(2026, 5, 31)
    assert [(c.kind, c.action) for c in report.made_changes] == [("commitment", "updated")]


def test_moving_a_milestone_moves_the_due_dates_counted_from_it():
    _import(DOHA)
    _import(DOHA.replace("date: 2026-03-01", "date: 2026-04-01"))
    assert Commitment.objects.get(reference="2.2").due_on == datetime.date(2026, 4, 15)


def test_one_bad_timeline_saves_nothing_and_names_file_agreement_commitment_and_field():
    errors = _errors(DOHA.replace("within two weeks", "soonish"))
    assert len(errors) == 1
    assert errors[0].startswith(
        "agreements.yaml: agreement 1 “Doha follow-up”, commitment 2 (ref 2.2), "
        "field timeline: “soonish” cannot be read as a deadline"
    )
    assert not Agreement.objects.exists()
    assert not Party.objects.exists()


def test_every_problem_is_reported_at_once():
    text = DOHA.replace("within two weeks", "soonish").replace("Border management", "Borders")
    text = text.replace("signed_on: 2026-01-31", "signed_on: 31/01/2026")
    errors = _errors(text)
    assert any("field signed_on: “31/01/2026” is not a date" in error for error in errors)
    assert any("commitment 1 (ref 2.10), field theme: “Borders” is not one of" in e for e in errors)


def test_a_rule_of_the_services_is_reported_with_its_place():
    errors = _errors(DOHA.replace("responsible: [AFG]", "responsible: [IND]"))
    assert errors == [
        "agreements.yaml: agreement 1 “Doha follow-up”, commitment 2 (ref 2.2), "
        "field responsible: no party has the code “IND”: list it under parties."
    ]
    PartyFactory(code="IND", name="India")
    errors = _errors(DOHA.replace("responsible: [AFG]", "responsible: [IND]"))
    assert errors == [
        "agreements.yaml: agreement 1 “Doha follow-up”, commitment 2 (ref 2.2), "
        "field responsible: IND is not a party to this agreement; add it to the agreement's "
        "parties first."
    ]
    assert not Agreement.objects.exists()


def test_unknown_keys_and_repeated_references_are_errors():
    text = DOHA.replace("theme: Border management", "theme: border\n        timelin: soon")
    text = text.replace('reference: "2.2"', 'reference: "2.10"')
    errors = _errors(text)
    assert any("field timelin" not in e and "unknown key(s) timelin" in e for e in errors)
    assert any("commitment reference “2.10” appears twice" in e for e in errors)


def test_a_new_agreement_needs_title_date_and_parties():
    errors = _errors("agreements:\n  - slug: bare\n")
    assert errors == [
        "agreements.yaml: agreement 1, field title: is required for a new agreement.",
        "agreements.yaml: agreement 1, field signed_on: is required for a new agreement.",
        "agreements.yaml: agreement 1, field parties: is required for a new agreement.",
    ]


def test_a_party_cannot_leave_an_agreement_while_responsible():
    _import(DOHA)
    text = DOHA.replace("parties: [PAK, AFG]", "parties: [PAK, IND]")
    text = text.replace("- {code: AFG, name: Afghanistan}", "- {code: IND, name: India}")
    errors = _errors(text)
    assert any("AFG (for 2.10)" in e and "cannot leave the agreement" in e for e in errors)
    assert not Party.objects.filter(code="IND").exists()


def test_a_status_that_differs_goes_through_a_status_change_naming_the_file():
    _import(DOHA)
    _import(
        DOHA.replace(
            "timeline: Within 3 months", "timeline: Within 3 months\n        status: In progress"
        )
    )
    commitment = Commitment.objects.get(reference="2.10")
    assert commitment.status == CommitmentStatus.IN_PROGRESS
    assert commitment.version == 2
    change = StatusChange.objects.get(commitment=commitment)
    assert (change.from_status, change.to_status) == ("not_started", "in_progress")
    assert change.reason == "Imported from agreements.yaml"


def test_a_new_commitment_replays_its_history_with_cited_evidence(analyst):
    text = DOHA.replace(
        "        timeline: Within 3 months\n",
        """        timeline: Within 3 months
        status: implemented
        evidence:
          - {summary: Patrol routes agreed, stance: progress, reliability: B, credibility: 2,
             logged_at: "2026-02-10T09:00:00+00:00"}
        history:
          - {at: "2026-02-11T09:00:00+00:00", status: in_progress, reason: Routes agreed, cites: 1}
          - {at: "2026-04-01T09:00:00+00:00", status: implemented, reason: First patrol}
""",
    )
    _import(text, by=analyst)
    commitment = Commitment.objects.get(reference="2.10")
    changes = list(commitment.status_changes.values_list("to_status", "reason", "changed_by"))
    assert changes == [
        ("in_progress", "Routes agreed", analyst.pk),
        ("implemented", "First patrol", analyst.pk),
    ]
    evidence = Evidence.objects.get(commitment=commitment)
    assert commitment.status_changes.first().evidence == evidence
    assert evidence.logged_at == datetime.datetime(2026, 2, 10, 9, tzinfo=datetime.UTC)


def test_history_is_not_replayed_on_an_existing_commitment():
    _import(DOHA)
    text = DOHA.replace(
        "        timeline: Within 3 months\n",
        "        timeline: Within 3 months\n        history:\n"
        '          - {at: "2026-02-11T09:00:00+00:00", status: stalled, reason: Late}\n',
    )
    _import(text)
    assert not StatusChange.objects.exists()


def test_evidence_is_matched_by_summary_and_retracted_through_the_service():
    evidence = """        evidence:
          - {summary: Patrol routes agreed, occurred_on: 2026-02-09}
"""
    text = DOHA.replace(
        "        timeline: Within 3 months\n", "        timeline: Within 3 months\n" + evidence
    )
    _import(text)
    _import(text.replace("2026-02-09}", "2026-02-09, retraction_reason: Wrong border}"))
    item = Evidence.objects.get()
    assert item.is_retracted
    assert item.retraction_reason == "Wrong border"


def test_evidence_dated_in_the_future_is_refused():
    text = DOHA.replace(
        "        timeline: Within 3 months\n",
        "        timeline: Within 3 months\n        evidence:\n"
        "          - {summary: Seen, occurred_on: 2999-01-01}\n",
    )
    errors = _errors(text)
    assert errors == [
        "agreements.yaml: agreement 1 “Doha follow-up”, commitment 1 (ref 2.10), evidence 1, "
        "field occurred_on: This date is in the future."
    ]


def test_a_dry_run_reports_what_would_change_and_saves_nothing():
    report = _import(DOHA, dry_run=True)
    assert not Agreement.objects.exists()
    assert ("commitment", "created", 2) in report.counts()
    assert report.agreement_slugs == ["doha"]


def test_an_editor_cannot_update_an_agreement_they_cannot_see(editor):
    hidden = AgreementFactory(slug="doha", title="Secret")
    hidden.teams.add(TeamFactory())
    errors = _errors(DOHA, as_user=editor, by=editor)
    assert errors == [
        "agreements.yaml: agreement 1 “Doha follow-up”, field slug: "
        "This slug is not available: try “doha-2”."
    ]
    assert Agreement.objects.get(slug="doha").title == "Secret"


def test_only_someone_who_may_add_teams_creates_them(editor, admin_user):
    text = DOHA.replace(
        "    signed_on: 2026-01-31\n", "    signed_on: 2026-01-31\n    teams: [Desk]\n"
    )
    errors = _errors(text, as_user=editor, by=editor)
    assert errors == [
        "agreements.yaml: agreement 1 “Doha follow-up”, field teams: no team is named Desk."
    ]
    _import(text, as_user=admin_user, by=admin_user)
    assert list(Agreement.objects.get(slug="doha").teams.values_list("name", flat=True)) == ["Desk"]
    assert Team.objects.get(name="Desk").members.count() == 0


def test_yaml_keeps_references_as_text_and_refuses_aliases():
    _import(DOHA)
    assert Commitment.objects.filter(reference="2.10").exists()
    errors = _errors("a: &x [1, 2]\nb: *x\n")
    assert errors[0].startswith("agreements.yaml: not valid YAML: aliases (*name) are not accepted")


def test_json_errors_name_line_and_column():
    errors = _errors('{"agreements": [}', name="a.json")
    assert errors == ["a.json: not valid JSON: Expecting value at line 1, column 17."]


def test_an_unknown_file_type_is_refused():
    assert _errors("x", name="agreements.txt")[0].startswith(
        "agreements.txt: unknown file type “.txt”"
    )


def test_an_existing_commitment_keeps_what_the_file_leaves_out():
    agreement = AgreementFactory(
        slug="doha", parties=[PartyFactory(code="PAK"), PartyFactory(code="AFG")]
    )
    CommitmentFactory(agreement=agreement, reference="2.10", description="Kept", priority="high")
    _import(DOHA)
    commitment = Commitment.objects.get(reference="2.10")
    assert (commitment.description, commitment.priority) == ("Kept", "high")
    assert commitment.title == "Create joint border patrols"
