"""The agreement page's commitments table as CSV and XLSX: what the filters show, all pages,
read back with the csv module and openpyxl."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tracker import services
from tracker.exports import COMMITMENT_COLUMNS
from tracker.import_files import read_document
from tracker.importer import run_import
from tracker.models import StatusChange

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(db):
    parties = [
        PartyFactory(code="PAK", name="Pakistan"),
        PartyFactory(code="AFG", name="Afghanistan"),
    ]
    agreement = AgreementFactory(slug="doha", signed_on=datetime.date(2026, 1, 31), parties=parties)
    CommitmentFactory(agreement=agreement, reference="1.1", title="Patrols", theme="border")
    CommitmentFactory(
        agreement=agreement,
        reference="1.2",
        title='=HYPERLINK("http://evil")',
        theme="border",
        responsible=parties[1:],
    )
    CommitmentFactory(agreement=agreement, reference="2.1", title="Trade", theme="trade")
    return agreement


def _get(client, agreement, **params):
    return client.get(reverse("tracker:agreement-detail", args=[agreement.slug]), params)


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_filtered_rows_and_every_column(analyst_client, agreement):
    response = _get(analyst_client, agreement, theme="border", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="doha-commitments-')
    rows = _csv_rows(response)
    assert [row["reference"] for row in rows] == ["1.1", "1.2"]
    assert list(rows[0]) == COMMITMENT_COLUMNS
    assert rows[0]["due_on"] == "2026-04-30"
    assert rows[0]["theme"] == "Border management"
    assert (
        rows[0]["url"]
        == f"http://testserver/commitments/{agreement.commitments.get(reference='1.1').pk}/"
    )


def test_cells_that_look_like_formulas_are_defused(analyst_client, agreement):
    rows = _csv_rows(_get(analyst_client, agreement, format="csv", q="HYPERLINK"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'


def test_xlsx_has_the_same_rows_with_real_dates(analyst_client, agreement):
    response = _get(analyst_client, agreement, party="AFG", sort="-due", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COMMITMENT_COLUMNS
    assert [row[1] for row in rows[1:]] == ["1.1", "1.2", "2.1"]
    assert rows[1][COMMITMENT_COLUMNS.index("due_on")] == datetime.datetime(2026, 4, 30)
    assert rows[2][2] == '\'=HYPERLINK("http://evil")'


def test_xlsx_has_a_frozen_bold_heading_row_and_readable_columns(analyst_client, agreement):
    response = _get(analyst_client, agreement, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    widths = {
        name: sheet.column_dimensions[chr(ord("A") + index)].width
        for index, name in enumerate(COMMITMENT_COLUMNS)
    }
    assert widths["title"] == 60
    assert widths["reference"] >= len("reference")
    assert widths["due_on"] >= len("2026-04-30")


def test_xlsx_dates_are_date_cells_shown_as_days(analyst_client, agreement):
    response = _get(analyst_client, agreement, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    due = sheet.cell(row=2, column=COMMITMENT_COLUMNS.index("due_on") + 1)
    assert due.is_date
    assert due.number_format == "yyyy-mm-dd"


def test_an_exported_xlsx_imports_back_without_changes(analyst_client, agreement):
    content = _get(analyst_client, agreement, format="xlsx").content
    report = run_import(read_document("doha.xlsx", content), file_name="doha.xlsx", by=None)
    assert report.made_changes == []


def test_the_export_is_every_page_not_just_the_first(analyst_client, agreement):
    for n in range(60):
        CommitmentFactory(agreement=agreement, reference=f"7.{n}", theme="dialogue")
    assert len(_csv_rows(_get(analyst_client, agreement, theme="dialogue", format="csv"))) == 60


def test_an_exported_csv_imports_back_without_changes(analyst_client, agreement):
    content = b"".join(_get(analyst_client, agreement, format="csv").streaming_content)
    report = run_import(read_document("doha.csv", content), file_name="doha.csv", by=None)
    assert report.made_changes == []


def test_a_status_edited_in_the_exported_sheet_is_imported_as_a_status_change(
    analyst_client, agreement
):
    content = b"".join(_get(analyst_client, agreement, format="csv").streaming_content)
    edited = content.replace(b"2.1,Trade,", b"2.1,Trade,", 1).replace(
        b"Not started,no", b"In progress,no", 1
    )
    run_import(read_document("doha.csv", edited), file_name="doha.csv", by=None)
    change = StatusChange.objects.get()
    assert (change.commitment.reference, change.to_status) == ("1.1", "in_progress")
    assert change.reason == "Imported from doha.csv"


def test_a_restricted_agreement_exports_nothing_to_outsiders(analyst_client, restricted_agreement):
    response = _get(analyst_client, restricted_agreement, format="csv")
    assert response.status_code == 404


def test_the_overdue_page_exports_xlsx_too(analyst_client, overdue_commitment, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    response = analyst_client.get(reverse("tracker:overdue"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("agreement", "party", "reference")
    assert len(rows) == 1 + overdue_commitment.responsible_parties.count()
    assert {row[2] for row in rows[1:]} == {overdue_commitment.reference}


def test_the_overdue_and_due_within_filters_apply_to_the_export(
    analyst_client, agreement, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 4, 20, 9, tzinfo=datetime.UTC))
    CommitmentFactory(agreement=agreement, reference="3.1", timeline_wording="within 1 month")
    services.overdue_scan(today=datetime.date(2026, 4, 20))
    overdue = _csv_rows(_get(analyst_client, agreement, overdue="yes", format="csv"))
    assert [row["reference"] for row in overdue] == ["3.1"]
    assert overdue[0]["overdue"] == "yes"
    soon = _csv_rows(_get(analyst_client, agreement, due_within=15, format="csv"))
    assert [row["reference"] for row in soon] == ["1.1", "1.2", "2.1"]
    assert _csv_rows(_get(analyst_client, agreement, due_within=5, format="csv")) == []


def test_control_characters_are_dropped_from_xlsx_cells(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, reference="4.1", title="Bell\x07 and tab")
    response = _get(analyst_client, agreement, q="Bell", format="xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "Bell and tab"
