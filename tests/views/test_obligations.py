"""The commitment page's per-party statuses, the overdue page and the digest per party."""

import csv
import io

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Commitment, CommitmentStatus, Obligation, StatusChange

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, PartyFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def parties():
    return PartyFactory(code="AFG", name="Afghanistan"), PartyFactory(code="PAK", name="Pakistan")


@pytest.fixture
def joint(parties):
    """Overdue since 28 February 2026, AFG and PAK both responsible."""
    agreement = AgreementFactory(title="Accord", parties=list(parties))
    return CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")


def _post_party(client, commitment, party, headers=HTMX, **fields):
    obligation = Obligation.objects.get(commitment=commitment, party=party)
    data = {
        "action": "change-party-status",
        "party": party.pk,
        f"party-{party.pk}-version": obligation.version,
        **{f"party-{party.pk}-{name}": value for name, value in fields.items()},
    }
    return client.post(commitment.get_absolute_url(), data, **headers)


def test_the_page_shows_each_partys_status_and_the_rule(analyst_client, joint, parties, analyst):
    services.obligation_set_status(
        commitment=joint, party=parties[1], status="in_progress", reason="Sectors drawn", by=analyst
    )
    content = analyst_client.get(joint.get_absolute_url()).content.decode()
    assert 'id="derived-rule"' in content
    section = content.split('id="obligation-pak"')[1].split('class="obligation"')[0]
    assert "Sectors drawn" in section
    assert "In progress" in section
    afg = content.split('id="obligation-afg"')[1].split('id="obligation-pak"')[0]
    assert "Sectors drawn" not in afg


def test_one_partys_status_changes_by_htmx(analyst_client, joint, parties):
    afg = parties[0]
    evidence = EvidenceFactory(commitment=joint)
    response = _post_party(
        analyst_client, joint, afg, status="implemented", reason="Patrols run", evidence=evidence.pk
    )
    assert response.status_code == 200
    change = StatusChange.objects.get()
    assert (change.party, change.to_status, change.evidence) == (afg, "implemented", evidence)
    assert Commitment.objects.get(pk=joint.pk).status == CommitmentStatus.NOT_STARTED
    assert "Status of AFG changed." in response.content.decode()


def test_one_partys_status_changes_without_javascript(analyst_client, joint, parties):
    response = _post_party(
        analyst_client, joint, parties[0], headers={}, status="stalled", reason="Halted"
    )
    assert response.status_code == 302
    assert Obligation.objects.get(commitment=joint, party=parties[0]).status == "stalled"


def test_a_refused_party_change_shows_its_form_errors_and_changes_nothing(
    analyst_client, joint, parties
):
    response = _post_party(analyst_client, joint, parties[0], status="implemented", reason=" ")
    (entry,) = [e for e in response.context["obligations"] if e.party == parties[0]]
    assert "reason" in entry.form.errors
    assert not StatusChange.objects.exists()


def test_a_stale_party_form_gets_a_conflict_message(analyst_client, analyst, joint, parties):
    afg = parties[0]
    data = {
        "action": "change-party-status",
        "party": afg.pk,
        f"party-{afg.pk}-version": 1,
        f"party-{afg.pk}-status": "implemented",
        f"party-{afg.pk}-reason": "mine",
    }
    services.obligation_set_status(
        commitment=joint, party=afg, status="stalled", reason="other analyst", by=analyst
    )
    response = analyst_client.post(joint.get_absolute_url(), data, **HTMX)
    assert "changed by someone else" in response.content.decode()
    assert Obligation.objects.get(commitment=joint, party=afg).status == "stalled"


def test_a_party_not_responsible_is_a_bad_request(analyst_client, joint):
    outsider = PartyFactory()
    response = analyst_client.post(
        joint.get_absolute_url(), {"action": "change-party-status", "party": outsider.pk}
    )
    assert response.status_code == 400
    response = analyst_client.post(
        joint.get_absolute_url(), {"action": "change-party-status", "party": "x"}
    )
    assert response.status_code == 400


def test_a_viewer_cannot_change_a_partys_status(viewer_client, joint, parties):
    response = _post_party(viewer_client, joint, parties[0], status="stalled", reason="No")
    assert response.status_code == 403
    assert not StatusChange.objects.exists()


def test_the_evidence_form_names_the_party_it_concerns(analyst_client, joint, parties):
    response = analyst_client.post(
        joint.get_absolute_url(),
        {
            "action": "log-evidence",
            "summary": "PAK sent troops",
            "concerns_party": parties[1].pk,
            "stance": "progress",
            "reliability": "B",
            "credibility": 2,
        },
    )
    assert response.status_code == 302
    assert joint.evidence.get().concerns_party == parties[1]


def test_the_page_keeps_its_query_count_with_more_parties(
    analyst_client, django_assert_max_num_queries
):
    def page(count):
        agreement = AgreementFactory(parties=PartyFactory.create_batch(count))
        commitment = CommitmentFactory(agreement=agreement)
        for party in agreement.parties.all():
            services.obligation_set_status(
                commitment=commitment, party=party, status="stalled", reason="r", by=None
            )
        return commitment

    small, large = page(2), page(6)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        analyst_client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(counted)):
        analyst_client.get(large.get_absolute_url())


# The overdue page and its exports


@pytest.fixture
def late_for_pak(joint, parties, analyst):
    services.overdue_scan(today=TODAY)
    services.obligation_set_status(
        commitment=joint, party=parties[0], status="implemented", reason="Done", by=analyst
    )
    return joint


def test_the_overdue_page_lists_a_joint_commitment_under_the_late_party_only(
    analyst_client, late_for_pak
):
    response = analyst_client.get(reverse("tracker:overdue"))
    rows = [
        (party.name, row.reference, row.status)
        for group in response.context["groups"]
        for party in group.parties
        for row in party.rows
    ]
    assert rows == [("Pakistan", late_for_pak.reference, "not_started")]


def test_the_overdue_export_lists_it_under_the_late_party_only(analyst_client, late_for_pak):
    response = analyst_client.get(reverse("tracker:overdue"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["party"], row["status"]) for row in rows] == [("PAK", "Not started")]


def test_the_digest_names_only_the_late_party(late_for_pak, analyst, mailoutbox):
    from tracker.digests import digest_build

    analyst.digest_enabled = True
    analyst.save()
    digest = digest_build(analyst, week="2026-W25", today=TODAY)
    (group,) = digest.overdue
    (item,) = group.items
    assert item.late_codes == "PAK"
    assert item.party_codes == "AFG · PAK"
