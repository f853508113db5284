"""Every page needs a login; viewers read but may not act."""

import pytest
from django.urls import reverse

from tracker.models import Evidence, StatusChange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    ["tracker:overview", "tracker:agreement-list", "tracker:overdue", "tracker:search"],
)
def test_it_sends_anonymous_users_to_the_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_sends_anonymous_users_from_a_commitment_to_the_login(client, commitment):
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_viewer_sees_no_evidence_or_status_form(client, viewer, commitment):
    client.force_login(viewer)
    content = client.get(commitment.get_absolute_url()).content.decode()
    assert commitment.title in content
    assert 'id="evidence-form"' not in content
    assert 'id="status-form"' not in content


@pytest.mark.parametrize(
    "data",
    [
        {
            "action": "log-evidence",
            "summary": "x",
            "stance": "context",
            "reliability": "F",
            "credibility": "6",
        },
        {"action": "change-status", "status": "implemented", "reason": "x", "version": "1"},
    ],
)
def test_a_viewer_posting_a_form_is_refused(client, viewer, commitment, data):
    client.force_login(viewer)
    response = client.post(commitment.get_absolute_url(), data)
    assert response.status_code == 403
    assert not Evidence.objects.exists()
    assert not StatusChange.objects.exists()


def test_an_analyst_sees_both_forms(analyst_client, commitment):
    content = analyst_client.get(commitment.get_absolute_url()).content.decode()
    assert 'id="evidence-form"' in content
    assert 'id="status-form"' in content


def test_an_unknown_action_is_a_bad_request(analyst_client, commitment):
    response = analyst_client.post(commitment.get_absolute_url(), {"action": "delete-all"})
    assert response.status_code == 400


def test_the_header_shows_the_role(analyst_client):
    content = analyst_client.get(reverse("tracker:overview")).content.decode()
    assert '<span class="badge role">Analyst</span>' in content


def test_sign_out_is_a_post(analyst_client):
    response = analyst_client.post(reverse("logout"))
    assert response.status_code == 302
    assert analyst_client.get(reverse("tracker:overview")).status_code == 302
