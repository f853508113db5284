"""/api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from the app's own static files)."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_lists_every_resource(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    for path in ("agreements", "commitments", "evidence", "status-changes", "parties"):
        assert f"/api/v1/{path}/" in schema["paths"]
    assert "409" in schema["paths"]["/api/v1/commitments/{id}/status/"]["post"]["responses"]


def test_the_schema_documents_token_and_session_authentication(client):
    schemes = yaml.safe_load(client.get("/api/schema/").content)["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"apiKey"}
    assert {scheme["in"] for scheme in schemes.values()} == {"header", "cookie"}


def test_the_docs_page_loads_swagger_ui_from_static_files_only(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(source.startswith("/static/") or source.startswith("/api/") for source in sources)
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source


def test_the_docs_page_hands_swagger_ui_its_settings_as_data(client):
    page = client.get("/api/docs/").content.decode()
    assert '<script id="api-docs-config" type="application/json">' in page
    assert '"url": "/api/schema/"' in page
