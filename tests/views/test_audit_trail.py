"""Every change is traceable: who, when, the values before and after."""

import datetime

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Agreement, Commitment, Party

from ..factories import AgreementFactory, EvidenceFactory, MilestoneFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _trail(client, commitment):
    url = reverse("tracker:commitment-audit", args=[commitment.pk])
    return client.get(url).context["audit_trail"]


def test_a_status_change_is_recorded_with_who_and_before_and_after(analyst_client, commitment):
    analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "stalled", "reason": "No patrol yet", "version": 1},
    )
    newest = _trail(analyst_client, commitment)[0]
    assert newest.who == "analyst"
    assert newest.reason == "No patrol yet"
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("status", "Not started", "Stalled")
    ]


def test_an_edit_in_the_admin_is_recorded(editor_client, commitment):
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    editor_client.post(
        url,
        {
            "agreement": commitment.agreement.pk,
            "reference": commitment.reference,
            "title": "Create joint border patrols",
            "theme": "border",
            "priority": "high",
            "responsible_parties": [p.pk for p in commitment.responsible_parties.all()],
            "timeline_wording": "within 2 months",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )
    newest = _trail(editor_client, commitment)[0]
    assert newest.who == "editor"
    changed = {c.field: (c.old, c.new) for c in newest.changes}
    assert changed["title"][1] == "Create joint border patrols"
    assert changed["timeline"] == ("within 3 months", "within 2 months")
    assert changed["due on"] == ("2026-04-30", "2026-03-31")


def test_moving_a_milestone_records_the_due_dates_it_moved(analyst_client, agreement):
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 1))
    from ..factories import CommitmentFactory

    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", deadline_milestone=meeting
    )
    services.milestone_set_date(milestone=meeting, date=datetime.date(2026, 4, 1))
    newest = _trail(analyst_client, commitment)[0]
    assert newest.reason == "Deadline recomputed"
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("due on", "2026-04-01", "2026-05-01")
    ]
    assert meeting.history.count() == 2


def test_a_retraction_is_recorded(analyst_client, analyst, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    services.evidence_retract(evidence=evidence, reason="Story withdrawn", by=analyst)
    entries = [e for e in _trail(analyst_client, commitment) if e.subject.startswith("Evidence")]
    newest = entries[0]
    assert newest.subject == f"Evidence {evidence.pk}"
    assert newest.reason == "Retracted: Story withdrawn"
    assert "retraction reason" in {c.field for c in newest.changes}


def test_each_partys_status_change_is_recorded(analyst_client, analyst, commitment):
    party = commitment.responsible_parties.order_by("name").first()
    services.obligation_set_status(
        commitment=commitment, party=party, status="stalled", reason="No patrol", by=analyst
    )
    entries = [e for e in _trail(analyst_client, commitment) if e.subject.startswith("Obligation")]
    newest = entries[0]
    assert (newest.subject, newest.who, newest.reason) == (
        f"Obligation {party.code}",
        "analyst",
        "No patrol",
    )
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("status", "Not started", "Stalled")
    ]


def test_criteria_changes_are_recorded(analyst_client, analyst, commitment):
    criterion = services.criterion_add(commitment=commitment, text="First patrol", by=analyst)
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 3, 1), evidence=None, by=analyst
    )
    entries = [e for e in _trail(analyst_client, commitment) if e.subject.startswith("Criterion")]
    assert [entry.reason for entry in entries] == ["Criterion met", "Criterion added"]
    assert "met on" in {change.field for change in entries[0].changes}


def test_a_deletion_is_recorded(admin_client):
    agreement = AgreementFactory(title="Short-lived")
    admin_client.post(
        reverse("admin:tracker_agreement_delete", args=[agreement.pk]), {"post": "yes"}
    )
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    deleted = Agreement.history.get(id=agreement.pk, history_type="-")
    assert deleted.title == "Short-lived"
    assert deleted.history_user.username == "admin"


def test_parties_changes_are_recorded(admin_client):
    party = Party.objects.create(code="IND", name="India")
    admin_client.post(
        reverse("admin:tracker_party_change", args=[party.pk]),
        {"code": "IND", "name": "Republic of India", "kind": "state"},
    )
    assert list(party.history.order_by("history_date").values_list("name", flat=True)) == [
        "India",
        "Republic of India",
    ]


def test_the_admin_history_of_a_restricted_commitment_is_hidden_from_outsiders(
    editor_client, commitment
):
    commitment.agreement.teams.add(TeamFactory())
    url = reverse("admin:tracker_commitment_history", args=[commitment.pk])
    assert editor_client.get(url).status_code in (302, 404)


def test_the_commitment_page_links_to_the_trail_which_htmx_loads_in_place(
    analyst_client, commitment
):
    url = reverse("tracker:commitment-audit", args=[commitment.pk])
    page = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert f'hx-get="{url}"' in page
    fragment = analyst_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div class="table-wrap" id="audit-table">')
    assert f"<bdi>Commitment {commitment.reference}</bdi> created" in fragment
    assert Commitment.history.filter(id=commitment.pk).exists()


def test_an_outsider_gets_a_404_for_the_trail_of_a_restricted_commitment(
    analyst_client, commitment
):
    commitment.agreement.teams.add(TeamFactory())
    url = reverse("tracker:commitment-audit", args=[commitment.pk])
    assert analyst_client.get(url).status_code == 404
