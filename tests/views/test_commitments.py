import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker import services
from tracker.models import CommitmentStatus, Evidence, StatusChange

from ..factories import EvidenceFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

EVIDENCE = {
    "action": "log-evidence",
    "summary": "Joint patrol seen at Torkham",
    "stance": "progress",
    "reliability": "B",
    "credibility": "2",
    "source_url": "https://example.org/report",
    "occurred_on": "2026-06-01",
}


def test_it_shows_the_wording_the_due_date_and_the_days_overdue(analyst_client, commitment):
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(commitment.get_absolute_url())
    content = response.content.decode()
    assert "“<bdi>within 3 months</bdi>”" in content
    assert "30 April 2026" in content
    assert response.context["days_overdue"] == 46
    assert "46 days overdue" in content
    assert response.context["is_flagged"]


def test_it_shows_days_left_before_the_deadline(analyst_client, agreement):
    from ..factories import CommitmentFactory

    commitment = CommitmentFactory(agreement=agreement, timeline_wording="by 25 June 2026")
    response = analyst_client.get(commitment.get_absolute_url())
    assert response.context["days_left"] == 10
    assert "10 days left" in response.content.decode()


def test_the_history_merges_changes_flags_and_evidence_newest_first(
    analyst_client, analyst, commitment
):
    start = timezone.now() - datetime.timedelta(days=3)
    EvidenceFactory(commitment=commitment, logged_at=start)
    services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IN_PROGRESS,
        reason="begun",
        by=analyst,
        at=start + datetime.timedelta(days=1),
    )
    services.overdue_scan(today=TODAY, now=start + datetime.timedelta(days=2))
    response = analyst_client.get(commitment.get_absolute_url())
    kinds = [entry.kind for entry in response.context["history"]]
    assert kinds == ["flagged", "status", "evidence"]


def test_logging_evidence_by_plain_post_redirects_to_the_page(analyst_client, commitment, analyst):
    response = analyst_client.post(commitment.get_absolute_url(), EVIDENCE)
    assert response.status_code == 302
    assert response["Location"] == commitment.get_absolute_url()
    evidence = Evidence.objects.get()
    assert evidence.logged_by == analyst
    assert evidence.grading == "B2"


def test_logging_evidence_by_htmx_returns_the_activity_with_it(analyst_client, commitment):
    response = analyst_client.post(commitment.get_absolute_url(), EVIDENCE, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="activity"')
    assert "Joint patrol seen at Torkham" in content
    assert "<html" not in content


def test_the_page_has_an_empty_polite_live_region_and_no_template_comment(
    analyst_client, commitment
):
    content = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert '<div id="messages" role="status" aria-live="polite"></div>' in content
    assert "{#" not in content
    assert "Always present" not in content


def test_logging_evidence_by_htmx_fills_the_live_region_out_of_band(analyst_client, commitment):
    response = analyst_client.post(commitment.get_absolute_url(), EVIDENCE, **HTMX)
    content = response.content.decode()
    assert '<div id="messages" hx-swap-oob="innerHTML">' in content
    assert "Evidence logged." in content
    assert 'id="history-heading" tabindex="-1" autofocus' in content
    page = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert "Evidence logged." not in page, "the message was shown once, by the fragment"


def test_a_refused_htmx_action_announces_nothing_and_focuses_the_first_field_in_error(
    analyst_client, commitment
):
    data = {**EVIDENCE, "summary": "", "reliability": "Z"}
    content = analyst_client.post(commitment.get_absolute_url(), data, **HTMX).content.decode()
    assert "Evidence logged." not in content
    assert content.count("autofocus") == 1
    assert "autofocus" in re.search(r'<textarea name="summary"[^>]*>', content).group(0)


def test_a_refusal_without_a_field_focuses_the_forms_error(analyst_client, analyst, commitment):
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.STALLED, reason="other analyst", by=analyst
    )
    data = {"action": "change-status", "status": "implemented", "reason": "Done", "version": 1}
    content = analyst_client.post(commitment.get_absolute_url(), data, **HTMX).content.decode()
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus>' in content
    assert content.count("autofocus") == 1


def test_invalid_evidence_is_shown_beside_the_field_and_nothing_is_saved(
    analyst_client, commitment
):
    data = {**EVIDENCE, "summary": "", "reliability": "Z", "source_url": "javascript:alert(1)"}
    response = analyst_client.post(commitment.get_absolute_url(), data, **HTMX)
    form = response.context["evidence_form"]
    assert set(form.errors) == {"summary", "reliability", "source_url"}
    content = response.content.decode()
    assert 'id="id_summary_error"' in content
    assert not Evidence.objects.exists()


def test_every_field_in_error_points_its_readers_at_its_errors(analyst_client, commitment):
    data = {**EVIDENCE, "summary": "", "reliability": "Z", "source_url": "javascript:alert(1)"}
    content = analyst_client.post(commitment.get_absolute_url(), data, **HTMX).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', content)
    named = [name for names in described for name in names.split()]
    assert {"id_summary_error", "id_reliability_error", "id_source_url_error"} <= set(named)
    ids = set(re.findall(r'\bid="([^"]+)"', content))
    assert set(named) <= ids


def test_evidence_dated_in_the_future_is_refused(analyst_client, commitment):
    data = {**EVIDENCE, "occurred_on": "2027-01-01"}
    response = analyst_client.post(commitment.get_absolute_url(), data, **HTMX)
    assert response.context["evidence_form"].errors["occurred_on"] == [
        "This date is in the future."
    ]


def test_changing_the_status_updates_history_and_score(analyst_client, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {
            "action": "change-status",
            "status": "implemented",
            "reason": "Patrols run weekly",
            "evidence": evidence.pk,
            "version": commitment.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    change = StatusChange.objects.get()
    assert change.to_status == "implemented"
    assert change.evidence == evidence
    assert response.context["agreement"].score == 100
    assert "Patrols run weekly" in response.content.decode()


def test_a_status_change_without_reason_is_refused(analyst_client, commitment):
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "implemented", "reason": " ", "version": 1},
        **HTMX,
    )
    assert "reason" in response.context["status_form"].errors
    assert not StatusChange.objects.exists()


def test_a_stale_status_form_gets_a_conflict_message(analyst_client, analyst, commitment):
    services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.STALLED, reason="other analyst", by=analyst
    )
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "change-status", "status": "implemented", "reason": "mine", "version": 1},
        **HTMX,
    )
    assert "changed by someone else" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.STALLED
    assert StatusChange.objects.count() == 1


def test_retracting_keeps_the_evidence_with_the_reason(analyst_client, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "retract-evidence", "evidence": evidence.pk, "retraction_reason": "Fake"},
        **HTMX,
    )
    evidence.refresh_from_db()
    assert evidence.is_retracted
    assert "Retracted by <bdi>analyst</bdi>" in response.content.decode()


def test_the_retraction_form_shows_for_the_evidence_asked_for(analyst_client, commitment):
    """Each piece of evidence has a link; the form shows for the one asked for, on the page
    (no JavaScript) or in the fragment htmx fetches."""
    first, second = EvidenceFactory(commitment=commitment), EvidenceFactory(commitment=commitment)
    page = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert 'name="retraction_reason"' not in page
    assert f'href="?retract={first.pk}#evidence-{first.pk}"' in page
    assert f'href="?retract={second.pk}#evidence-{second.pk}"' in page
    for headers in ({}, HTMX):
        response = analyst_client.get(
            commitment.get_absolute_url(), {"retract": second.pk}, **headers
        )
        html = response.content.decode()
        assert html.count('name="retraction_reason"') == 1
        assert f'id="retract-form-{second.pk}"' in html
        assert ("<html" in html) is not bool(headers)


def test_a_retraction_without_reason_changes_nothing(analyst_client, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "retract-evidence", "evidence": evidence.pk, "retraction_reason": ""},
        **HTMX,
    )
    evidence.refresh_from_db()
    assert not evidence.is_retracted
    assert "retraction_reason" in response.context["retract_form"].errors


def test_evidence_of_another_commitment_cannot_be_retracted_here(analyst_client, commitment):
    other = EvidenceFactory()
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "retract-evidence", "evidence": other.pk, "retraction_reason": "x"},
        **HTMX,
    )
    other.refresh_from_db()
    assert not other.is_retracted
    assert "does not belong to this commitment" in response.content.decode()


def test_an_unknown_commitment_is_a_404(analyst_client):
    assert analyst_client.get(reverse("tracker:commitment-detail", args=[999999])).status_code == (
        404
    )
