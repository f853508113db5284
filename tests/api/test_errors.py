"""Every error under /api/ is JSON of the schema's `Error` shape, whoever answered it."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tracker.api import views

pytestmark = pytest.mark.django_db


def _assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v1/nope",
        "/api/anything",
        "/api/",
        "/api/v1/",
        "/api/schema/nope",
        "/api/v1/commitments/1/nope/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_it_answers_an_unknown_path_with_a_json_404(analyst_api, path, method):
    body = _assert_json_error(getattr(analyst_api, method)(path), 404)
    assert body == {"detail": "Not found."}


def test_it_answers_an_unknown_path_with_a_json_404_when_signed_out():
    _assert_json_error(APIClient().get("/api/v1/nope/"), 404)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/", "/api/v1/commitments/"])
def test_it_answers_a_method_not_allowed_with_json(analyst_client, path):
    body = _assert_json_error(analyst_client.put(path), 405)
    assert body == {"detail": 'Method "PUT" not allowed.'}


def test_a_method_not_allowed_keeps_its_allow_header(analyst_client):
    assert "GET" in analyst_client.put("/api/docs/")["Allow"]


def test_it_answers_a_server_error_with_json(analyst_api, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.PartyViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = analyst_api._credentials["HTTP_AUTHORIZATION"]
    body = _assert_json_error(client.get("/api/v1/parties/"), 500)
    assert "a bug" not in body["detail"]


def test_the_pages_keep_their_html_404(analyst_client):
    response = analyst_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
