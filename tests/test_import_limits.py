"""Bounded work for every import (issue 17): a hostile file is refused with a clear message
through the import page and through `import_agreements`, and nothing is saved."""

import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from tracker.import_files import read_document
from tracker.import_limits import MAX_FILE_NAME_CHARS, ImportFailed, ImportLimits
from tracker.import_xlsx import _sheet_lines
from tracker.models import Agreement, Commitment, Party, StatusChange

from . import import_bombs as bombs

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
URL = reverse("tracker:import")
LONG_NAME = "n" * 200 + ".yaml"

# name, content, what the one message says (past the file's name)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "zip-bomb": (
        "bomb.xlsx",
        bombs.zip_bomb,
        "unzipped, the workbook would take 1,024 MB, more than the 50 MB allowed "
        "(IMPORT_MAX_UNZIPPED_MB).",
    ),
    "six-million-rows": (
        "rows.xlsx",
        lambda: bombs.rows_bomb(6_000_000),
        "more than the 50 MB allowed (IMPORT_MAX_UNZIPPED_MB).",
    ),
    "million-rows": (
        "rows.xlsx",
        lambda: bombs.rows_bomb(1_000_000),
        "more than 10,000 rows (IMPORT_MAX_ROWS): split the file.",
    ),
    "far-row": ("far.xlsx", bombs.far_row, "more than 10,000 rows (IMPORT_MAX_ROWS)"),
    "wide-row": ("wide.xlsx", bombs.wide_row, "row 2: more than 50 columns."),
    "billion-laughs": ("lol.xlsx", bombs.billion_laughs, "declares a DTD (<!DOCTYPE …>)"),
    "deep-json": ("deep.json", bombs.deep_json, "line 1: lists and mappings nested more than 20"),
    "deep-yaml": ("deep.yaml", bombs.deep_yaml, "line 1: lists and mappings nested more than 20"),
    "deep-block-yaml": ("deep.yml", bombs.deep_block_yaml, "line 1: lists and mappings nested"),
    "nul-json": (
        "nul.json",
        lambda: json.dumps(bombs.json_document(), indent=2).encode().replace(b"Patrols", b"P\0"),
        "line 24: a NUL character (code 0) cannot be imported",
    ),
    "nul-escape-json": (
        "nul.json",
        bombs.json_with_nul_escape,
        "line 24: a NUL character (code 0) cannot be imported",
    ),
    "nul-yaml": (
        "nul.yaml",
        lambda: bombs.YAML.replace(b"Hotline", b"Hot\0line"),
        "line 11: a NUL character (code 0) cannot be imported",
    ),
    "nul-escape-yaml": (
        "nul.yaml",
        lambda: bombs.YAML.replace(b"title: Hotline", b'title: "Hot\\0line"'),
        "line 11: a NUL character (code 0) cannot be imported",
    ),
    "nul-csv": (
        "nul.csv",
        lambda: bombs.CSV.replace(b"Hotline", b"Hot\0line"),
        "line 3: a NUL character (code 0) cannot be imported",
    ),
    "utf-16-csv": (
        "excel.csv",
        lambda: bombs.CSV.decode().encode("utf-16-le"),
        "line 1: a NUL character (code 0) cannot be imported; a file saved as UTF-16",
    ),
    "surrogate-json": (
        "half.json",
        lambda: json.dumps(bombs.json_document()).replace("Patrols", "\\ud800").encode(),
        "line 1: an unpaired surrogate",
    ),
    "long-cell-csv": (
        "long.csv",
        lambda: bombs.CSV.replace(b"Hotline", b"x" * 20_001),
        "row 3: a text longer than the 20,000 characters allowed (IMPORT_MAX_CELL_CHARS).",
    ),
    "long-yaml-text": (
        "long.yaml",
        lambda: bombs.YAML.replace(b"Hotline", b"x" * 20_001),
        "line 11: a text longer than the 20,000 characters allowed",
    ),
    "huge-json-number": (
        "big.json",
        lambda: b'{"agreements": ' + b"9" * 5000 + b"}",
        "not valid JSON",
    ),
    "long-file-name": (
        LONG_NAME,
        lambda: bombs.YAML,
        f"the file name is 205 characters long, more than the {MAX_FILE_NAME_CHARS} an "
        "imported file's name may have: rename it.",
    ),
}


@pytest.fixture
def existing(agreement):
    """What the database held before: a refused import leaves it as it was."""
    return _counts()


def _counts() -> list[int]:
    models = (Agreement, Commitment, Party, StatusChange, Commitment.history.model)
    return [model.objects.count() for model in models]


@pytest.mark.parametrize("case", HOSTILE)
def test_it_is_refused_on_the_page_with_its_message_and_nothing_saved(
    case, editor_client, existing
):
    name, content, message = HOSTILE[case]
    response = editor_client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile(name, content())}
    )
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert error.startswith(f"{name}: ")
    assert message in error
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert escape(message) in page
    assert 'name="payload"' not in page
    assert _counts() == existing


@pytest.mark.parametrize("case", HOSTILE)
def test_it_is_refused_by_the_command_with_its_message_and_nothing_saved(case, tmp_path, existing):
    name, content, message = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(content())
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 problem\(s\) in .*; nothing was imported\.$"):
        call_command("import_agreements", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{name}: ")
    assert message in lines[0]
    assert _counts() == existing


def test_an_external_entity_is_never_read(tmp_path, editor_client, existing):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-XXE")
    content = bombs.external_entity(secret)
    response = editor_client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile("xxe.xlsx", content)}
    )
    assert "declares a DTD" in response.context["errors"][0]
    assert "TOP-SECRET" not in response.content.decode()
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_agreements", str(path), stdout=io.StringIO(), stderr=err)
    assert "declares a DTD" in err.getvalue()
    assert "TOP-SECRET" not in err.getvalue()
    assert _counts() == existing


def test_openpyxl_alone_would_refuse_the_entities_too(tmp_path):
    """Behind the scan, defusedxml: a DTD that got past it is still never expanded."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-XXE")
    for content in (bombs.external_entity(secret), bombs.billion_laughs()):
        with pytest.raises(ImportFailed) as failure:
            _sheet_lines("x.xlsx", content, ImportLimits.for_page(), uncomputed={})
        assert "not a readable XLSX workbook" in failure.value.errors[0]
        assert "TOP-SECRET" not in failure.value.errors[0]


def test_a_name_as_long_as_allowed_fits_the_history_whole(editor_client):
    name = "n" * (MAX_FILE_NAME_CHARS - len(".yaml")) + ".yaml"
    content = bombs.YAML
    payload = editor_client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile(name, content)}
    ).context["payload"]
    editor_client.post(URL, {"action": "confirm", "payload": payload})
    reason = f"Imported from {name}"
    assert StatusChange.objects.get().reason == reason
    history = Commitment.history.filter(history_change_reason=reason)
    assert history.count() == 1


def test_a_file_name_with_a_control_character_is_refused():
    with pytest.raises(ImportFailed, match="control character"):
        read_document("a\nb.yaml", bombs.YAML)


def test_the_row_limit_is_a_setting(settings):
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(ImportFailed, match=r"more than 1 rows \(IMPORT_MAX_ROWS\)"):
        read_document("two.csv", bombs.CSV)
    with pytest.raises(ImportFailed, match=r"more than 1 commitments \(IMPORT_MAX_ROWS\)"):
        read_document("two.yaml", bombs.YAML)


def test_the_depth_limit_is_a_setting(settings):
    settings.IMPORT_MAX_DEPTH = 7
    document = bombs.json_document()
    document["agreements"][0]["commitments"][0]["evidence"] = [{"summary": ["deeper"]}]
    with pytest.raises(ImportFailed, match=r"line 1: .* nested more than 7 deep"):
        read_document("deep.json", json.dumps(document).encode())
    settings.IMPORT_MAX_DEPTH = 8
    assert read_document("deep.json", json.dumps(document).encode())


def test_the_command_refuses_a_file_over_its_size_limit(tmp_path, settings, existing):
    settings.IMPORT_MAX_FILE_MB = 1
    path = tmp_path / "big.yaml"
    path.write_bytes(bombs.YAML + b"#" * 1024 * 1024)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_agreements", str(path), stdout=io.StringIO(), stderr=err)
    assert "big.yaml: the file is larger than 1 MB (IMPORT_MAX_FILE_MB): split it." in (
        err.getvalue()
    )
    assert _counts() == existing


def test_the_page_stops_an_import_past_its_time_limit(editor_client, settings, existing):
    settings.IMPORT_TIME_LIMIT_SECONDS = 0
    response = editor_client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile("slow.yaml", bombs.YAML)}
    )
    assert response.context["errors"] == [
        "slow.yaml: stopped after 0 seconds (IMPORT_TIME_LIMIT_SECONDS); nothing was "
        "imported: split the file, or import it with manage.py import_agreements."
    ]
    assert _counts() == existing


def test_the_command_stops_an_import_past_its_time_limit(tmp_path, settings, existing):
    settings.IMPORT_COMMAND_TIME_LIMIT_SECONDS = 0
    path = tmp_path / "slow.csv"
    path.write_bytes(bombs.CSV)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_agreements", str(path), stdout=io.StringIO(), stderr=err)
    assert "IMPORT_COMMAND_TIME_LIMIT_SECONDS" in err.getvalue()
    assert _counts() == existing


def test_the_time_limit_stops_the_writing_too_and_rolls_it_back(monkeypatch, existing):
    """The clock runs out after the first writes (the parties, the agreement): they are
    rolled back with the rest."""
    from tracker.importer import run_import

    document = read_document("doha.yaml", bombs.YAML)
    limits = ImportLimits.for_page()
    checks = []

    def check_time(name):
        checks.append(name)
        if len(checks) > 5:
            limits.time_limit = 0
            limits.started = time.monotonic() - 1
        return ImportLimits.check_time(limits, name)

    monkeypatch.setattr(limits, "check_time", check_time)
    with pytest.raises(ImportFailed, match="stopped after 0 seconds"):
        run_import(document, file_name="doha.yaml", by=None, limits=limits)
    assert _counts() == existing


def _workbook(rows: int, title: str) -> bytes:
    """As openpyxl writes one (shared strings, styles): a header and `rows` commitments."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["agreement", "agreement_title", "signed_on", "parties", "reference", "title"])
    sheet.append(["doha", "Doha", "2026-01-31", "Pakistan (PAK), Afghanistan (AFG)", "1", title])
    for number in range(2, rows + 1):
        sheet.append(["doha", None, None, None, str(number), "Drills"])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def test_a_workbook_at_the_limits_is_read_and_one_past_them_is_not(settings):
    settings.IMPORT_MAX_ROWS = 3
    settings.IMPORT_MAX_CELL_CHARS = 300
    document = read_document("doha.xlsx", _workbook(3, "x" * 300))
    assert len(document["agreements"][0]["commitments"]) == 3
    with pytest.raises(ImportFailed, match=r"more than 3 rows \(IMPORT_MAX_ROWS\)"):
        read_document("doha.xlsx", _workbook(4, "x"))
    with pytest.raises(ImportFailed, match=r"row 2: a text longer than the 300 characters"):
        read_document("doha.xlsx", _workbook(3, "x" * 301))


HEADER = [b"agreement", b"agreement_title", b"signed_on", b"parties", b"reference", b"title"]
ROW = [b"doha", b"Doha", b"2026-01-31", b"Pakistan (PAK), Afghanistan (AFG)", b"1"]


def test_a_workbook_with_shared_strings_is_read_within_the_limits(settings):
    settings.IMPORT_MAX_CELL_CHARS = 300
    strings = [*HEADER, *ROW, b"x" * 300]
    content = bombs.with_shared_strings(
        strings, bombs.shared_row(1, *range(6)), bombs.shared_row(2, *range(6, 12))
    )
    document = read_document("doha.xlsx", content)
    assert document["agreements"][0]["commitments"][0]["title"] == "x" * 300
    strings[-1] += b"x"
    content = bombs.with_shared_strings(strings, bombs.shared_row(1, *range(6)))
    with pytest.raises(ImportFailed) as failure:
        read_document("doha.xlsx", content)
    assert failure.value.errors == [
        "doha.xlsx: xl/sharedStrings.xml, shared string 12: a text longer than the 300 "
        "characters allowed (IMPORT_MAX_CELL_CHARS)."
    ]


def test_more_shared_strings_than_the_rows_could_use_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 1
    content = bombs.with_shared_strings((b"%d" % n for n in range(101)), bombs.shared_row(1, 0))
    with pytest.raises(ImportFailed, match=r"sharedStrings.xml: more than 100 shared strings"):
        read_document("doha.xlsx", content)


def test_a_dtd_in_any_part_is_refused(settings):
    content = bombs.workbook_with({"xl/sharedStrings.xml": [b"<!DOCTYPE sst><sst/>"]})
    with pytest.raises(ImportFailed, match=r"xl/sharedStrings.xml: declares a DTD"):
        read_document("doha.xlsx", content)


def test_the_archive_is_checked_before_anything_is_unzipped():
    base = zipfile.ZipFile(io.BytesIO(bombs.workbook_with({})))
    parts = {info.filename: base.read(info) for info in base.infolist()}
    squeezed = io.BytesIO()
    with zipfile.ZipFile(squeezed, "w", zipfile.ZIP_BZIP2) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    with pytest.raises(ImportFailed, match=r"is not deflated, as every XLSX part is"):
        read_document("bz.xlsx", squeezed.getvalue())
    many = bombs.workbook_with({f"xl/media/{n}.bin": [b""] for n in range(1000)})
    with pytest.raises(ImportFailed, match=r"1,009 parts; a workbook has a few dozen"):
        read_document("many.xlsx", many)


# Runs manage.py and, as it exits, writes its peak resident memory (VmHWM, of its own
# address space). Not ru_maxrss from wait4: on Linux a child's carries over its parent's
# peak across exec, so it would measure the test process as much as the command.
PEAK_MEMORY = """
import atexit, runpy, sys

def peak(path):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")))

atexit.register(peak, sys.argv[1])
sys.argv = ["manage.py", *sys.argv[2:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def _measured_command(path: Path, tmp_path: Path) -> tuple[int, str, float, float]:
    """`manage.py import_agreements PATH` in a process of its own: exit code, stderr, peak
    resident memory in MB and seconds."""
    peak = tmp_path / "peak.txt"
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(peak), "import_agreements", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.monotonic() - started
    kilobytes = int(peak.read_text().split()[1])
    return process.returncode, process.stderr, kilobytes / 1024, seconds


@pytest.mark.parametrize("case", ["zip-bomb", "million-rows"])
def test_a_bomb_is_refused_by_the_command_in_bounded_memory_and_time(case, tmp_path):
    name, content, message = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(content())
    code, err, peak_mb, seconds = _measured_command(path, tmp_path)
    print(f"{case}: {len(content()) // 1024} KB refused in {seconds:.1f} s, peak {peak_mb:.0f} MB")
    assert code == 1
    assert "Traceback" not in err
    problem, summary = err.splitlines()
    assert problem.startswith(f"{name}: ")
    assert message in problem
    assert summary == f"CommandError: 1 problem(s) in {name}; nothing was imported."
    assert peak_mb < 300
    assert seconds < 30
