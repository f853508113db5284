"""CSV and XLSX imports: one commitment per row, errors naming the row and the column."""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from tracker import import_xlsx
from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment, Milestone, Party

pytestmark = pytest.mark.django_db

HEADER = (
    "agreement,agreement_title,signed_on,parties,reference,title,theme,responsible,timeline,"
    "counted_from,counted_from_date,status"
)
ROWS = [
    'doha,Doha follow-up,2026-01-31,"Pakistan (PAK), Afghanistan (AFG)",1.1,Patrols,border,'
    '"PAK, AFG",Within 3 months,,,',
    "doha,,,,1.2,Hotline,Communications,AFG,within two weeks,Talks start,2026-03-01,In progress",
]


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def _import(name: str, data: bytes):
    return run_import(read_document(name, data), file_name=name, by=None)


def _errors(name: str, data: bytes) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        _import(name, data)
    return failure.value.errors


def test_it_imports_one_commitment_per_row_and_defines_named_parties():
    _import("doha.csv", _csv(*ROWS))
    agreement = Agreement.objects.get(slug="doha")
    assert Party.objects.get(code="AFG").name == "Afghanistan"
    assert agreement.milestones.get(name="Talks start").date == datetime.date(2026, 3, 1)
    hotline = Commitment.objects.get(reference="1.2")
    assert hotline.due_on == datetime.date(2026, 3, 15)
    assert hotline.status == "in_progress"
    assert hotline.status_changes.get().reason == "Imported from doha.csv"


def test_it_reads_semicolons_and_a_byte_order_mark_as_excel_writes_them():
    data = "\ufeff" + HEADER.replace(",", ";") + "\r\n"
    data += "doha;Doha;2026-01-31;Pakistan (PAK), Afghanistan (AFG);1.1;Patrols;border;PAK;;;;\r\n"
    _import("doha.csv", data.encode())
    assert Commitment.objects.get(reference="1.1").due_on is None


def test_an_error_names_the_row_and_the_column():
    rows = [ROWS[0], ROWS[1].replace("within two weeks", "soonish")]
    errors = _errors("doha.csv", _csv(*rows))
    assert len(errors) == 1
    assert errors[0].startswith(
        "doha.csv: row 3, field timeline: “soonish” cannot be read as a deadline"
    )
    assert not Agreement.objects.exists()


def test_an_agreement_value_that_differs_between_rows_is_an_error():
    rows = [ROWS[0], ROWS[1].replace("doha,,,", "doha,Doha talks,,")]
    errors = _errors("doha.csv", _csv(*rows))
    assert errors == [
        "doha.csv: row 3, field agreement_title: “Doha talks” differs from row 2 "
        "(“Doha follow-up”) for agreement doha; give it once, or the same on every row."
    ]


def test_unknown_and_missing_columns_are_named():
    errors = _errors("doha.csv", _csv(header="agreement,titel"))
    assert errors[0].startswith("doha.csv: row 1: unknown column(s) titel;")
    assert errors[1] == "doha.csv: row 1: the column(s) reference are required."


def test_text_that_is_not_utf8_is_refused_with_a_hint():
    errors = _errors("doha.csv", _csv(*ROWS).replace(b"Patrols", "Patrouillé".encode("cp1252")))
    assert errors[0].startswith("doha.csv: not UTF-8 text")


def test_it_reads_an_xlsx_workbook_with_real_dates():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    agreement = [
        "doha",
        "Doha",
        datetime.datetime(2026, 1, 31),
        "Pakistan (PAK), Afghanistan (AFG)",
    ]
    commitment = ["1.1", "Patrols", "border", "PAK", "within 3 months", "Talks"]
    sheet.append([*agreement, *commitment, datetime.date(2026, 2, 1)])
    sheet.append(["doha", None, None, None, 2, "Drills", "other", "AFG", "within 1 month"])
    content = io.BytesIO()
    workbook.save(content)
    _import("doha.xlsx", content.getvalue())
    due = dict(Commitment.objects.values_list("reference", "due_on"))
    assert due == {"1.1": datetime.date(2026, 5, 1), "2": datetime.date(2026, 2, 28)}
    assert Milestone.objects.get(name="Talks").date == datetime.date(2026, 2, 1)


def test_a_file_that_is_not_a_workbook_is_refused():
    errors = _errors("doha.xlsx", b"not a zip")
    assert errors[0].startswith("doha.xlsx: not a readable XLSX workbook")


def _workbook_with_formula(formula_cell: str, *, saved: str | None, cell_type: str = "") -> bytes:
    """A one-commitment workbook whose description is a formula, saved as a spreadsheet application
    saves one (`saved`: its result) or as a program writes one (`saved=None`: no result)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "commitments"
    columns = ["agreement", "agreement_title", "signed_on", "parties", "reference", "title"]
    sheet.append([*columns, "description"])
    parties = "Pakistan (PAK), Afghanistan (AFG)"
    sheet.append(["doha", "Doha", "2026-01-31", parties, "1.1", "Patrols", formula_cell])
    notes = workbook.create_sheet("notes")
    notes.append(["=1+1"])  # never computed, on a sheet the import does not read
    content = io.BytesIO()
    workbook.save(content)
    if saved is None:
        return content.getvalue()
    formula = escape(formula_cell.removeprefix("="))
    rewritten = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content.getvalue())) as source,
        zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                computed = f'<c r="G2"{cell_type}><f>{formula}</f><v>{saved}</v></c>'
                before = f'<c r="G2"><f>{formula}</f><v></v></c>'
                assert before in part.decode()
                part = part.decode().replace(before, computed).encode()
            target.writestr(info, part)
    return rewritten.getvalue()


def test_a_formula_whose_result_was_never_saved_is_refused_naming_its_cell():
    errors = _errors("doha.xlsx", _workbook_with_formula('="Pat"&"rols"', saved=None))
    assert len(errors) == 1
    assert errors[0].startswith("doha.xlsx: sheet commitments, cell G2: a formula whose result")
    assert not Commitment.objects.exists()


def test_a_formula_on_any_sheet_is_refused_when_openpyxl_does_not_say_which_part_it_reads(
    monkeypatch,
):
    monkeypatch.setattr(import_xlsx, "_part_of", lambda sheet: None)
    workbook = _workbook_with_formula('="Pat"&"rols"', saved="Patrols", cell_type=' t="str"')
    errors = _errors("doha.xlsx", workbook)
    assert errors[0].startswith("doha.xlsx: cell A1 of part xl/worksheets/sheet2.xml: a formula")
    assert not Commitment.objects.exists()


def test_openpyxl_says_which_part_a_sheet_reads():
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_workbook_with_formula("=1", saved="1")), read_only=True)
    assert import_xlsx._part_of(workbook["notes"]) == "xl/worksheets/sheet2.xml"


def test_a_formula_is_read_as_the_result_its_application_saved():
    _import(
        "doha.xlsx", _workbook_with_formula('="Pat"&"rols"', saved="Patrols", cell_type=' t="str"')
    )
    assert Commitment.objects.get(reference="1.1").description == "Patrols"


def test_a_formula_whose_saved_result_is_empty_text_is_an_empty_cell():
    _import("doha.xlsx", _workbook_with_formula('=""', saved="", cell_type=' t="str"'))
    assert Commitment.objects.get(reference="1.1").description == ""
