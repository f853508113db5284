"""Bounded work for every import (issue 17): a hostile file is refused with a clear message
through the import page and through `import_agreements`, and nothing is saved."""

import io
import time
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from tracker.import_files import read_document
from tracker.import_limits import MAX_FILE_NAME_CHARS, ImportFailed, ImportLimits
from tracker.models import Agreement, Commitment, Party, StatusChange

from . import import_bombs as bombs

pytestmark = pytest.mark.django_db

URL = reverse("tracker:import")
LONG_NAME = "n" * 200 + ".yaml"

# name, content, what the one message says (past the file's name)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "long-cell-csv": (
        "long.csv",
        lambda: bombs.CSV.replace(b"Hotline", b"x" * 10_001),
        "row 3: a text longer than the 10,000 characters allowed (IMPORT_MAX_CELL_CHARS).",
    ),
    "long-file-name": (
        LONG_NAME,
        lambda: bombs.YAML,
        f"the file name is 205 characters long, more than the {MAX_FILE_NAME_CHARS} an "
        "import's history can record: rename it.",
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
