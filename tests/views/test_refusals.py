"""Refusals (400, 403, 404, 500, a failed CSRF check) answer in the app's layout, each with
a way back to the overview. The URLconf adds two test-only views that fail on purpose."""

import pytest
from django.core.exceptions import BadRequest
from django.template import loader
from django.test import Client
from django.urls import include, path, reverse

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _breaks(request):
    raise RuntimeError("a bug")


def _unreadable(request):
    raise BadRequest("unreadable")


urlpatterns = [
    path("test-only/breaks/", _breaks),
    path("test-only/unreadable/", _unreadable),
    path("", include("tracker.urls")),
]

LAYOUT = '<header class="site-header">'
WAY_BACK = '<a href="/">Back to the overview</a>'


def test_it_answers_a_missing_page_in_the_layout(analyst_client):
    response = analyst_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert LAYOUT in page
    assert WAY_BACK in page
    assert "Page not found" in page
    assert "Sign out" in page  # the layout knows who is signed in


def test_it_answers_a_hidden_agreement_as_a_missing_page(analyst_client, restricted_agreement):
    response = analyst_client.get(restricted_agreement.get_absolute_url())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Secret" not in response.content.decode()


def test_it_gives_the_views_reason_for_a_refusal(client):
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("tracker:overview"))
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page
    assert WAY_BACK in page
    assert "Your account has no role yet; ask an administrator." in page


def test_a_refusal_without_a_reason_names_the_role(viewer, commitment, client):
    client.force_login(viewer)
    url = reverse("tracker:commitment-detail", args=[commitment.pk])
    response = client.post(url, {"action": "change-status"})
    assert response.status_code == 403
    assert "Your role does not allow it." in response.content.decode()


def test_it_answers_a_server_error_in_the_layout(analyst_client):
    analyst_client.raise_request_exception = False
    response = analyst_client.get("/test-only/breaks/")
    assert response.status_code == 500
    page = response.content.decode()
    assert LAYOUT in page
    assert WAY_BACK in page
    assert "Something went wrong" in page
    assert "a bug" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_server_error_page_needs_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = loader.get_template("500.html").render()
    assert WAY_BACK in page
    assert "Sign out" not in page


def test_it_answers_a_bad_request_in_the_layout(analyst_client):
    response = analyst_client.get("/test-only/unreadable/")
    assert response.status_code == 400
    page = response.content.decode()
    assert LAYOUT in page
    assert WAY_BACK in page
    assert "Request not understood" in page
    assert "unreadable" not in page


def test_it_answers_a_failed_csrf_check_in_the_layout(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(reverse("tracker:preferences"), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page
    assert WAY_BACK in page
    assert "The form could not be sent" in page
