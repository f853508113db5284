"""Hypothesis throws generated documents and files at the import: it either imports or
refuses with `ImportFailed` (every message naming where), saves nothing when it refuses, and
the import page never answers 500."""

import contextlib
import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=40),
    st.sampled_from(["", "PAK", "within 3 months", "2026-01-31", "in_force", "soon", "1.1"]),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    ["slug", "title", "parties", "signed_on", "status", "commitments", "reference",
     "timeline", "responsible", "evidence", "history", "milestones", "code", "name",
     "extensions", "depends_on", "claimed_by", "format"]
)  # fmt: skip
commitment = st.dictionaries(keys, values, max_size=6)
agreement = st.dictionaries(keys, st.one_of(values, st.lists(commitment, max_size=3)), max_size=8)
documents = st.one_of(
    values,
    st.fixed_dictionaries(
        {"agreements": st.lists(agreement, max_size=3)},
        optional={"parties": st.lists(st.dictionaries(keys, values, max_size=3), max_size=3)},
    ),
)


@FUZZ
@given(document=documents)
def test_any_document_imports_or_is_refused_cleanly(db, document):
    before = (Agreement.objects.count(), Commitment.objects.count())
    failure = None
    try:
        run_import(document, file_name="fuzz.json", by=None)
    except ImportFailed as refused:
        failure = refused
    if failure is not None:
        assert failure.errors
        assert all("fuzz.json" in message for message in failure.errors)
        assert (Agreement.objects.count(), Commitment.objects.count()) == before


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        documents.map(lambda d: json.dumps(d, default=str).encode()),
        documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode()),
        st.text(max_size=300).map(str.encode),
    ),
    name=st.sampled_from(["a.json", "a.yaml", "a.yml", "a.csv", "a.xlsx", "a.txt", "noext"]),
)
def test_any_file_is_read_or_refused_cleanly(db, data, name):
    try:
        document = read_document(name, data)
    except ImportFailed:
        return
    with contextlib.suppress(ImportFailed):
        run_import(document, file_name=name, by=None, dry_run=True)


@FUZZ
@given(data=st.binary(max_size=200), name=st.sampled_from(["x.yaml", "x.csv", "x.xlsx", "x"]))
def test_the_import_page_never_fails(editor_client, data, name):
    response = editor_client.post(
        reverse("tracker:import"), {"action": "preview", "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code < 500
