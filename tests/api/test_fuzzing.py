"""Schemathesis against the API, in process: requests generated from the OpenAPI schema
(valid and invalid), as an analyst with a token. No answer may be a server error, and every
answer must match the schema: its status code, content type, headers and body; a method an
endpoint does not take is a 405 naming those it does (`Allow`)."""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks as sc

from tracker import services

from ..factories import CommitmentFactory, EvidenceFactory

WSGI = get_wsgi_application()
CHECKS = [
    sc.not_a_server_error,
    sc.status_code_conformance,
    sc.content_type_conformance,
    sc.response_headers_conformance,
    sc.response_schema_conformance,
    sc.unsupported_method,
    sc.allow_header_conformance,
]


def _served_schema() -> dict:
    """The schema /api/schema/ serves, generated without a request (at collection time)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_served_schema())


@pytest.fixture(autouse=True)
def _in_process_wsgi(settings):
    """As in Django's test client: the WSGI requests must not close the database connection
    that holds the test's transaction."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(analyst, agreement, restricted_agreement) -> str:
    """An analyst's token, with data to find: evidence, a status change, a restricted row, a
    commitment without a due date."""
    commitment = CommitmentFactory(agreement=agreement, reference="1.1")
    CommitmentFactory(agreement=agreement, reference="1.2", timeline_wording="ongoing")
    evidence = EvidenceFactory(commitment=commitment, occurred_on=datetime.date(2026, 2, 1))
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="r", evidence=evidence, by=analyst
    )
    return Token.objects.create(user=analyst).key


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_matches_the_schema(case, fuzz_token):
    case.call_and_validate(
        app=WSGI, headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS
    )
