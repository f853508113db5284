"""The commitment page's completion criteria (issue 21): listed met or not with their
evidence, marked met citing evidence (htmx and plain POST), "not verifiable" shown, and
"implemented" refused beside its field while a criterion is unmet unless a reason is given;
the agreement page and list show the score with its rule and what is left out."""

import datetime

import pytest

from tracker import services
from tracker.models import Agreement, CommitmentStatus, ScoreRule

from ..factories import CommitmentFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def criterion(commitment, editor):
    return services.criterion_add(commitment=commitment, text="First joint patrol", by=editor)


def test_it_lists_the_criteria_met_or_not(analyst_client, criterion):
    content = analyst_client.get(criterion.commitment.get_absolute_url()).content.decode()
    assert "Completion criteria" in content
    assert "<bdi>First joint patrol</bdi>" in content
    assert 'id="criterion-form"' in content


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_marking_a_criterion_met_cites_its_evidence(analyst_client, criterion, headers):
    evidence = EvidenceFactory(commitment=criterion.commitment, summary="Patrol seen at Torkham")
    response = analyst_client.post(
        criterion.commitment.get_absolute_url(),
        {
            "action": "criterion-met",
            "criterion-criterion": criterion.pk,
            "criterion-met_on": "2026-05-02",
            "criterion-evidence": evidence.pk,
        },
        **headers,
    )
    assert response.status_code == (200 if headers else 302)
    criterion.refresh_from_db()
    assert criterion.met_on == datetime.date(2026, 5, 2)
    assert criterion.evidence == evidence
    page = analyst_client.get(criterion.commitment.get_absolute_url()).content.decode()
    assert f'href="#evidence-{evidence.pk}"' in page


def test_marking_met_without_a_day_is_refused_beside_the_field(analyst_client, criterion):
    response = analyst_client.post(
        criterion.commitment.get_absolute_url(),
        {"action": "criterion-met", "criterion-criterion": criterion.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.context["criterion_form"].errors["met_on"]
    criterion.refresh_from_db()
    assert criterion.met_on is None


def test_a_viewer_cannot_mark_a_criterion(client, viewer, criterion):
    client.force_login(viewer)
    response = client.post(
        criterion.commitment.get_absolute_url(),
        {
            "action": "criterion-met",
            "criterion-criterion": criterion.pk,
            "criterion-met_on": "2026-05-02",
        },
    )
    assert response.status_code == 403


def test_marking_it_not_met_again(analyst_client, criterion, analyst):
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 5, 2), evidence=None, by=analyst
    )
    analyst_client.post(
        criterion.commitment.get_absolute_url(),
        {"action": "criterion-unmet", "criterion-criterion": criterion.pk},
    )
    criterion.refresh_from_db()
    assert criterion.met_on is None


def test_implemented_with_an_unmet_criterion_is_refused_beside_the_reason_field(
    analyst_client, criterion
):
    commitment = criterion.commitment
    data = {
        "action": "change-status",
        "status": "implemented",
        "reason": "Patrols run",
        "version": commitment.version,
    }
    response = analyst_client.post(commitment.get_absolute_url(), data, **HTMX)
    form = response.context["status_form"]
    assert "First joint patrol" in str(form.errors["unmet_criteria_reason"])
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.NOT_STARTED
    data["unmet_criteria_reason"] = "A joint post replaced the patrol"
    analyst_client.post(commitment.get_absolute_url(), data)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.IMPLEMENTED
    change = commitment.status_changes.get()
    assert change.unmet_criteria_reason == "A joint post replaced the patrol"
    page = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert "Implemented with completion criteria unmet, because:" in page


def test_a_commitment_without_deadline_or_criterion_shows_not_verifiable(analyst_client, agreement):
    ongoing = CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    content = analyst_client.get(ongoing.get_absolute_url()).content.decode()
    assert "not verifiable" in content
    dated = CommitmentFactory(agreement=agreement)
    assert "not verifiable" not in analyst_client.get(dated.get_absolute_url()).content.decode()


def test_the_agreement_page_says_how_many_are_left_out_of_the_score(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    CommitmentFactory(agreement=agreement, timeline_wording="ongoing")
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    content = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "2 commitments not verifiable, not scored" in content
    # The table marks each of them.
    assert content.count('class="badge not-verifiable"') == 2
    # One scored, implemented: 100 % under PAM.
    assert '<span class="score-value">100 %</span>' in content
    listing = analyst_client.get("/agreements/").content.decode()
    assert "2 commitments not verifiable, not scored" in listing


def test_a_g7_agreement_shows_its_mean_score_and_rule(analyst_client, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(score_rule=ScoreRule.G7)
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.IMPLEMENTED)
    CommitmentFactory(agreement=agreement, status=CommitmentStatus.NOT_STARTED)
    content = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert '<span class="score-value">+0.33</span>' in content
    assert "G7/G20 Research Group" in content
    listing = analyst_client.get("/agreements/").content.decode()
    assert '<span class="score-value">+0.33</span>' in listing
    assert ">G7</abbr>" in listing


def test_a_criterion_met_by_retracted_evidence_shows_not_met(analyst_client, criterion, editor):
    evidence = EvidenceFactory(commitment=criterion.commitment, summary="Patrol seen at Torkham")
    services.criterion_set_met(
        criterion=criterion, met_on=datetime.date(2026, 5, 2), evidence=evidence, by=editor
    )
    page = analyst_client.get(criterion.commitment.get_absolute_url()).content.decode()
    assert '<span class="badge ok">met</span>' in page
    response = analyst_client.post(
        criterion.commitment.get_absolute_url(),
        {"action": "retract-evidence", "evidence": evidence.pk, "retraction_reason": "Old photo"},
    )
    assert response.status_code == 302
    page = analyst_client.get(criterion.commitment.get_absolute_url()).content.decode()
    item = page.split(f'<li id="criterion-{criterion.pk}">')[1].split("</li>")[0]
    assert '<span class="badge">not met</span>' in item
    assert "evidence retracted" not in item
