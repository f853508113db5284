"""The demo's published round 1 of the seed agreement, and `manage.py compliance_report` on
it: the PDF names every commitment, every party's status and the methodology."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from tracker.dev.demo import SLUG
from tracker.models import AssessmentRound, Commitment, RoundState
from tracker.rounds.report import status_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC))
    call_command("load_demo")
    return AssessmentRound.objects.get(agreement__slug=SLUG, number=1)


def test_the_demo_has_a_published_interim_round_1_with_a_reply(demo):
    assert (demo.kind, demo.state) == ("interim", RoundState.PUBLISHED)
    assert demo.cutoff == datetime.date(2026, 11, 1)
    reply = demo.replies.get()
    assert (reply.party.code, reply.by.username, reply.recalibrated_score) == ("AFG", "afg-rep", 2)


def test_the_pdf_of_the_seed_round_names_every_commitment_status_and_the_method(demo, tmp_path):
    target = tmp_path / "report.pdf"
    call_command("compliance_report", SLUG, "--round", "1", "--format", "pdf", "-o", str(target))
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    text = " ".join(text.split())
    for commitment in Commitment.objects.filter(agreement=demo.agreement):
        assert commitment.reference in text
    names = {p["id"]: p["name"] for p in demo.snapshot["agreement"]["parties"]}
    for item in demo.snapshot["commitments"]:
        for entry in item["parties"]:
            assert f"{names[entry['party_id']]}: {status_label(entry['status'])}" in text
    assert "Methodology" in text
    assert "Peace Accords Matrix" in text
    assert "Admiralty" in text
    assert "A: completely reliable" in text


def test_the_command_writes_xlsx_and_csv(demo, tmp_path):
    call_command(
        "compliance_report",
        SLUG,
        "--round",
        "1",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "r.xlsx"),
    )
    call_command(
        "compliance_report", SLUG, "--round", "1", "--format", "csv", "-o", str(tmp_path / "r.csv")
    )
    workbook = load_workbook(tmp_path / "r.xlsx")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig"))))
    obligations = sum(len(item["parties"]) for item in demo.snapshot["commitments"])
    assert len(rows) == obligations
    assert workbook["Obligations"].max_row == obligations + 1
    assert {row["reference"] for row in rows} == {
        item["reference"] for item in demo.snapshot["commitments"]
    }


def test_the_command_refuses_a_round_that_does_not_exist(demo, tmp_path):
    with pytest.raises(CommandError, match="has no round 2"):
        call_command("compliance_report", SLUG, "--round", "2", "-o", str(tmp_path / "x.pdf"))


def test_without_a_file_the_command_writes_to_standard_output(demo, capsysbinary):
    call_command("compliance_report", SLUG, "--round", "1")
    assert capsysbinary.readouterr().out.decode("utf-8-sig").startswith("round,cutoff,reference")


def test_the_format_follows_the_files_suffix(demo, tmp_path):
    call_command("compliance_report", SLUG, "--round", "1", "-o", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
