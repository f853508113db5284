"""The compliance report: a published round reads the same whatever happens to its agreement
afterwards, as PDF, XLSX and CSV; the comparison of two rounds."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tracker import services
from tracker.models import Commitment, CommitmentStatus, Party
from tracker.rounds import output
from tracker.rounds.compare import rounds_compared
from tracker.rounds.report import round_report

from .conftest import CUTOFF


def _report(round_):
    round_.refresh_from_db()
    return round_report(round_, list(round_.replies.select_related("by").order_by("at", "id")))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def published(accord, editor, representative, afg):
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    services.round_to_review(round_=round_, by=editor)
    services.round_reply(
        round_=round_,
        commitment_id=Commitment.objects.get(reference="2.1").pk,
        party=afg,
        text="Our units joined the patrols on 20 March.",
        recalibrated_score=2,
        recalibration_reason="Two of four sectors patrolled",
        by=representative,
    )
    return services.round_publish(round_=round_, by=editor)


def test_a_published_round_does_not_change_when_its_agreement_does(published, analyst, pak):
    snapshot = published.snapshot
    before = pdf_text(output.report_pdf(_report(published)))
    patrols = Commitment.objects.get(reference="2.1")
    services.commitment_set_status(
        commitment=patrols, status=CommitmentStatus.IMPLEMENTED, reason="Done", by=analyst
    )
    services.evidence_log(commitment=patrols, by=analyst, summary="All sectors patrolled")
    Commitment.objects.filter(pk=patrols.pk).update(title="Renamed commitment")
    Party.objects.filter(pk=pak.pk).update(name="Renamed party")
    published.refresh_from_db()
    assert published.snapshot == snapshot
    assert pdf_text(output.report_pdf(_report(published))) == before


def test_the_pdf_names_every_commitment_every_partys_status_and_the_method(published):
    text = pdf_text(output.report_pdf(_report(published)))
    for reference in ("2.1", "3.1", "4.1"):
        assert reference in text
    assert "Pakistan: In progress" in text
    assert "Afghanistan: In progress" in text
    assert "Afghanistan: Not started" in text  # 4.1, Afghanistan's alone
    assert "Our units joined the patrols" in text
    assert "Methodology" in text
    assert "Admiralty" in text
    assert "B: usually reliable" in text


def test_the_csv_has_a_row_per_party_and_commitment(published):
    rows = list(
        csv.DictReader(io.StringIO(output.report_csv(_report(published)).decode("utf-8-sig")))
    )
    assert [(r["reference"], r["party"], r["status"], r["recalibrated_score"]) for r in rows] == [
        ("2.1", "Afghanistan", "In progress", "2"),
        ("2.1", "Pakistan", "In progress", ""),
        ("3.1", "Pakistan", "Not started", ""),
        ("4.1", "Afghanistan", "Not started", ""),
    ]
    assert rows[0]["recalibration_reason"] == "Two of four sectors patrolled"


def test_the_xlsx_holds_the_obligations_the_evidence_and_the_replies(published):
    workbook = load_workbook(io.BytesIO(output.report_xlsx(_report(published))))
    assert workbook.sheetnames == ["Obligations", "Evidence", "Replies"]
    obligations = list(workbook["Obligations"].values)
    assert len(obligations) == 5
    assert obligations[1][7] == "Afghanistan"
    assert obligations[1][1] == datetime.datetime(2026, 4, 1)  # a date cell
    evidence = list(workbook["Evidence"].values)
    assert evidence[1][4] == "B2"
    assert evidence[1][9] == "https://dawn.example/patrol"
    replies = list(workbook["Replies"].values)
    assert replies[1][1] == "Afghanistan"
    assert replies[1][5].startswith("Our units")


def test_text_that_looks_like_a_formula_is_defused(published):
    published.snapshot["commitments"][0]["title"] = "=HYPERLINK(1)"
    rows = output.report_csv(_report_of(published)).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in rows


def _report_of(round_):
    return round_report(round_, [])


def test_two_rounds_compare_what_moved_for_which_party_and_why(published, editor, afg):
    second = services.round_open(
        agreement=published.agreement, kind="final", cutoff=datetime.date(2026, 6, 1), by=editor
    )
    moves = rounds_compared(_report(published), _report(second))
    patrols = [m for m in moves if m.reference == "2.1"]
    assert [(m.party["name"], m.before_label, m.after_label) for m in patrols] == [
        ("Afghanistan", "In progress", "Stalled"),
        ("Pakistan", "In progress", "Stalled"),
    ]
    # Afghanistan's was recalibrated to 2 in round 1; stalled is 1 point.
    assert (patrols[0].before_score, patrols[0].after_score) == (2, 1)
    assert patrols[0].reasons == ["Patrols suspended after a clash"]
    assert not [m for m in moves if m.reference in ("3.1", "4.1")]


def test_the_pdf_fetches_nothing_from_the_network():
    fetcher = output.local_fetcher()
    with pytest.raises(Exception, match="local files only"):
        fetcher.fetch("https://example.org/tracker.css")
    with pytest.raises(Exception, match="local files only"):
        fetcher.fetch("file:///etc/passwd")
