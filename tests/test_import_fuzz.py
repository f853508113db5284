"""Hypothesis throws generated documents and files at the import: it either imports or
refuses with `ImportFailed` (every message naming where), saves nothing when it refuses, and
the import page never answers 500. Whatever the bytes, each of the four readers answers with
a document or `ImportFailed`, never another exception."""

import contextlib
import io
import json
import zipfile

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment

from . import import_bombs as bombs

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


# Pieces of each format's syntax, and of the escapes and bytes the readers must refuse, so
# that generated text reaches past the first character's parse error.
SYNTAX = st.sampled_from(
    ["[", "]", "{", "}", '"', "'", ",", ":", ";", "\t", "\n", "\r\n", " ", "- ", "\\", "\\u0000",
     "\\ud800", "\\0", "\\x00", "\x00", "\ufeff", "*a", "&a", "!!str", "? ", "|", "#", "---",
     "agreements", "commitments", "agreement,reference", "1e999", "9" * 5000, "é", "\ud7ff"]
)  # fmt: skip
syntax_text = st.lists(SYNTAX, max_size=60).map("".join)
any_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(str.encode),
    syntax_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@FUZZ
@given(data=any_bytes, suffix=st.sampled_from([".json", ".yaml", ".csv", ".xlsx"]))
def test_any_bytes_in_any_format_are_read_or_refused_with_import_failed(data, suffix):
    with contextlib.suppress(ImportFailed):
        read_document(f"fuzz{suffix}", data)


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a workbook as Excel writes one, its texts in shared strings."""
    strings = [b"agreement", b"reference", b"title", b"doha", b"1", b"Patrols"]
    rows = (bombs.shared_row(1, 0, 1, 2), bombs.shared_row(2, 3, 4, 5))
    with zipfile.ZipFile(io.BytesIO(bombs.with_shared_strings(strings, *rows))) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


PARTS = _workbook_parts()
xml_text = st.lists(
    st.sampled_from(
        ["<", ">", "/>", "</", "row", "c", "v", "si", "t", "sheetData", "worksheet", ' r="',
         "1048576", "XFD1", '"', "=", "<!DOCTYPE x>", "<!ENTITY a 'b'>", "&a;", "&#0;", "x", " "]
    ),
    max_size=80,
).map(lambda pieces: "".join(pieces).encode())  # fmt: skip


@st.composite
def workbooks(draw) -> bytes:
    """A workbook openpyxl wrote, one of whose parts is replaced, cut or spliced."""
    name = draw(st.sampled_from(sorted(PARTS)))
    original = PARTS[name]
    at = draw(st.integers(min_value=0, max_value=len(original)))
    content = draw(
        st.one_of(
            st.binary(max_size=200),
            xml_text,
            st.just(original[:at]),
            st.binary(max_size=20).map(lambda junk: original[:at] + junk + original[at:]),
            xml_text.map(lambda junk: original[:at] + junk + original[at:]),
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in PARTS.items():
            archive.writestr(part, content if part == name else data)
    return out.getvalue()


@FUZZ
@given(data=workbooks())
def test_any_damaged_workbook_is_read_or_refused_with_import_failed(data):
    with contextlib.suppress(ImportFailed):
        read_document("fuzz.xlsx", data)
