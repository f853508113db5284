"""A round's report as a file: PDF (WeasyPrint, from `tracker/round_report.html` with the
print stylesheet), XLSX (openpyxl) and CSV, all from `report.round_report`.

WeasyPrint fetches nothing from the network: its fetcher serves the app's static files
and refuses every other address, so a source's URL in the report stays a link on paper."""

import csv
import io
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ..exports import XLSX_TYPE, _xlsx_cell, spreadsheet_safe
from .report import (
    EVIDENCE_COLUMNS,
    OBLIGATION_COLUMNS,
    REPLY_COLUMNS,
    Report,
    evidence_rows,
    obligation_rows,
    reply_rows,
)

FORMATS = ("pdf", "xlsx", "csv")
# The columns that hold a day (ISO text in the snapshot and the CSV): date cells in the XLSX.
DATE_COLUMNS = {"cutoff", "due_on", "last_change_on", "happened_on", "logged_on"}
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8"}
STYLESHEETS = ("css/print.css", "css/report.css")


def _static_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.STATICFILES_DIRS]


def local_fetcher():
    """A WeasyPrint fetcher that serves files under the static folders, and nothing else."""
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetchingError

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if any(path.is_relative_to(root) for root in _static_roots()):
                    return super().fetch(url, headers)
            raise URLFetchingError(f"Not fetched (the report reads local files only): {url}")

    return LocalFetcher(allowed_protocols=["file"])


def report_pdf(report: Report) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = local_fetcher()
    html = render_to_string("tracker/round_report.html", {"report": report})
    stylesheets = [CSS(filename=finders.find(name), url_fetcher=fetcher) for name in STYLESHEETS]
    document = HTML(string=html, base_url=str(_static_roots()[0]) + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets)


def report_csv(report: Report) -> bytes:
    """The obligations' table (one row per commitment and party), UTF-8 with a BOM so that a
    spreadsheet reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OBLIGATION_COLUMNS)
    for row in obligation_rows(report):
        writer.writerow(spreadsheet_safe(cell) for cell in row)
    return ("\ufeff" + out.getvalue()).encode()


def report_xlsx(report: Report) -> bytes:
    """Three sheets: the obligations (as the CSV), the evidence, the replies."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in (
        ("Obligations", OBLIGATION_COLUMNS, obligation_rows(report)),
        ("Evidence", EVIDENCE_COLUMNS, evidence_rows(report)),
        ("Replies", REPLY_COLUMNS, reply_rows(report)),
    ):
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        sheet.append([_heading(sheet, name, bold) for name in columns])
        dates = [index for index, name in enumerate(columns) if name in DATE_COLUMNS]
        for row in rows:
            for index in dates:
                row[index] = date.fromisoformat(row[index]) if row[index] else None
            sheet.append([_xlsx_cell(cell) for cell in row])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _heading(sheet, name: str, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=name)
    cell.font = font
    return cell


def report_file(report: Report, fmt: str) -> bytes:
    return {"pdf": report_pdf, "xlsx": report_xlsx, "csv": report_csv}[fmt](report)


def report_filename(report: Report, fmt: str) -> str:
    return f"{report.snapshot['agreement']['slug']}-round-{report.round.number}.{fmt}"
