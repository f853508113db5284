"""`manage.py import_agreements FILE` and `export_agreements`, as an operator runs them."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracker.dev import demo
from tracker.models import Agreement, Evidence, StatusChange

from .helpers import empty_the_database

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "pak-afg.yaml"
SLUG = "pak-afg-counter-terrorism"


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_agreements", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_the_example_file_of_the_seed_agreement():
    out, _ = _run(str(EXAMPLE))
    assert "Imported pak-afg.yaml" in out
    assert "commitment: 15 created" in out
    agreement = Agreement.objects.get(slug=demo.SLUG)
    assert agreement.signed_on == datetime.date(2026, 8, 11)
    assert Evidence.objects.count() == 8


def test_importing_the_example_twice_changes_nothing():
    _run(str(EXAMPLE))
    out, _ = _run(str(EXAMPLE))
    assert "commitment: 15 unchanged" in out
    assert "created" not in out
    assert StatusChange.objects.count() == 11


def test_it_shows_progress_on_the_command_line():
    _, err = _run(str(EXAMPLE))
    assert "Commitments: 10/15" in err
    assert err.rstrip().endswith("Commitments: 15/15 (100 %)")


def test_a_dry_run_saves_nothing():
    out, _ = _run(str(EXAMPLE), "--dry-run")
    assert "Dry run of pak-afg.yaml: nothing was saved" in out
    assert "commitment: 15 created" in out
    assert not Agreement.objects.exists()


def test_problems_are_listed_and_the_command_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("timeline: within 135 days", "timeline: soonish"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_agreements", str(bad), stdout=io.StringIO(), stderr=err)
    assert "bad.yaml: agreement 1 “Pakistan–Afghanistan accord" in err.getvalue()
    assert "commitment 8 (ref 3.2), field timeline: “soonish” cannot be read" in err.getvalue()
    assert not Agreement.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.json: cannot be read"):
        call_command("import_agreements", str(tmp_path / "nope.json"))


def test_user_option_records_who_logged_the_evidence(analyst):
    _run(str(EXAMPLE), "--user", "analyst")
    assert set(Evidence.objects.values_list("logged_by", flat=True)) == {analyst.pk}


def test_export_then_import_into_an_empty_database_gives_the_same_document(tmp_path):
    _run(str(EXAMPLE))
    first = tmp_path / "first.json"
    call_command("export_agreements", "-o", str(first))
    empty_the_database()
    _run(str(first))
    second = tmp_path / "second.json"
    call_command("export_agreements", "-o", str(second))
    assert json.loads(second.read_text()) == json.loads(first.read_text())


@pytest.mark.parametrize(
    "text", ["Patrols\x85at the border", "پاکستان\x85افغانستان", "a\u2028b\u2029c"]
)
def test_a_yaml_export_reads_back_every_line_break_character_as_it_was(tmp_path, text):
    """PyYAML alone writes a NEL (U+0085) as a line break that reads back as a space."""
    _run(str(EXAMPLE))
    Agreement.objects.filter(slug=SLUG).update(summary=text)
    exported = tmp_path / "agreements.yaml"
    call_command("export_agreements", "--format", "yaml", "-o", str(exported))
    empty_the_database()
    _run(str(exported))
    assert Agreement.objects.get(slug=SLUG).summary == text
