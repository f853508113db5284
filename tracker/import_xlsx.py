"""An XLSX workbook's rows, read with bounded work.

A workbook is a zip of XML parts, and both layers can be made to explode: a part that
unzips to a gigabyte, entities that expand a billion times or read a local file, a million
empty rows, a row of a million cells. So before openpyxl parses anything, the archive's
declared sizes are checked (the zip module never unpacks more than a part declares), and
every XML part is streamed once through expat, which refuses a DTD and counts what openpyxl
would otherwise build in memory: rows, cells, characters, elements. Only then does openpyxl
read the sheet, in read-only mode, row by row (and through defusedxml, installed for it).

The values read are those the workbook saved: a formula's result as its application last
computed it. A formula cell with no saved result (a workbook written by a program, never
opened in a spreadsheet application) would read as an empty cell, so the first pass also
notes each sheet's first such cell, and the sheet read is refused when it has one.
"""

import io
import zipfile
import zlib
from datetime import date, datetime
from xml.parsers import expat

from .import_limits import MAX_COLUMNS, ImportFailed, ImportLimits

MAX_PARTS = 1000  # a workbook has a few dozen
MAX_CELL_ELEMENTS = 1000  # rich-text runs of one cell or shared string
MAX_PART_ELEMENTS = 200_000  # of a part openpyxl reads whole: styles, the workbook, …
# Bzip2 and LZMA parts are unpacked without a bound on one read's output; XLSX uses deflate.
COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CHUNK = 64 * 1024
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,  # an encrypted part
    expat.ExpatError,
)


def xlsx_lines(name: str, data: bytes, limits: ImportLimits) -> list[list[str]]:
    """The rows of the sheet named `commitments`, else of the first, as text."""
    uncomputed: dict[str, str] = {}  # part -> its first formula cell with no saved result
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(name, archive, limits)
            for info in archive.infolist():
                _scan_part(name, archive, info, limits, uncomputed)
    except UNREADABLE as error:
        raise _unreadable(name, error) from None
    return _sheet_lines(name, data, limits, uncomputed)


def _unreadable(name: str, error: Exception) -> ImportFailed:
    reason = str(error) or type(error).__name__
    reason = reason if len(reason) <= 200 else reason[:199] + "…"
    return ImportFailed([f"{name}: not a readable XLSX workbook ({reason})."])


def _check_sizes(name: str, archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise ImportFailed([f"{name}: {len(parts):,} parts; a workbook has a few dozen."])
    for info in parts:
        if info.compress_type not in COMPRESSIONS:
            raise ImportFailed([f"{name}: {info.filename} is not deflated, as every XLSX part is."])
    unzipped = sum(info.file_size for info in parts)
    if unzipped > limits.unzipped_bytes:
        raise ImportFailed(
            [
                f"{name}: unzipped, the workbook would take {unzipped / 1024 / 1024:,.0f} MB, "
                f"more than the {limits.unzipped_bytes // 1024 // 1024} MB allowed "
                "(IMPORT_MAX_UNZIPPED_MB)."
            ]
        )


def _scan_part(
    name: str, archive: zipfile.ZipFile, info, limits: ImportLimits, uncomputed: dict[str, str]
) -> None:
    with archive.open(info) as stream:
        chunk = stream.read(CHUNK)
        if not _is_xml(chunk):
            return  # an image or other binary part: openpyxl does not parse it as XML
        scan = _PartScan(name, info.filename, limits)
        while chunk:
            scan.parser.Parse(chunk, False)
            limits.check_time(name)
            chunk = stream.read(CHUNK)
        scan.parser.Parse(b"", True)
    if scan.uncomputed:
        uncomputed[info.filename] = scan.uncomputed


def _is_xml(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):  # UTF-16
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


class _PartScan:
    """One XML part streamed through expat, refused as soon as it passes a limit."""

    def __init__(self, name: str, part: str, limits: ImportLimits):
        self.name, self.part, self.limits = name, part, limits
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.in_rows = False  # inside a sheet's <sheetData>
        self.item = ""  # "c" inside a cell, "si" inside a shared string
        self.item_elements = self.item_chars = 0
        self.rows = self.row = self.cells = self.column = self.strings = self.elements = 0
        # The cell being read: its type, whether it holds a formula, and a saved value.
        self.cell_type, self.formula, self.value, self.in_value = "", False, False, False
        self.uncomputed = ""  # the first formula cell with no saved result, as "B7"

    def fail(self, problem: str) -> ImportFailed:
        return ImportFailed([f"{self.name}: {self.part}: {problem}."])

    def _doctype(self, *args) -> None:
        raise self.fail(
            "declares a DTD (<!DOCTYPE …>), whose entities could expand without end or read "
            "files; a workbook has none"
        )

    def _start(self, tag: str, attributes: dict) -> None:
        local = tag.rpartition(":")[2]
        if self.item:
            self.item_elements += 1
            if self.item_elements > MAX_CELL_ELEMENTS:
                raise self.fail(f"row {self.row}: more than {MAX_CELL_ELEMENTS} runs of text")
            if self.item == "c":
                self.formula = self.formula or local == "f"
                self.in_value = local == "v"
        elif self.in_rows and local == "row":
            self._row(attributes.get("r"))
        elif self.in_rows and local == "c":
            self._cell(attributes.get("r"))
            self.cell_type = attributes.get("t", "n")
            self.formula = self.value = self.in_value = False
        elif local == "si":
            self.strings += 1
            most = (self.limits.rows + 1) * MAX_COLUMNS
            if self.strings > most:
                raise self.fail(
                    f"more than {most:,} shared strings, more than {self.limits.rows:,} rows "
                    f"(IMPORT_MAX_ROWS) of {MAX_COLUMNS} columns could use"
                )
            self.item, self.item_elements, self.item_chars = "si", 0, 0
        else:
            self.in_rows = self.in_rows or local == "sheetData"
            self.elements += 1
            if self.elements > MAX_PART_ELEMENTS:
                raise self.fail(f"more than {MAX_PART_ELEMENTS:,} elements")

    def _row(self, number: str | None) -> None:
        """Counted by elements and by their numbers: openpyxl fills a gap with empty rows."""
        self.rows += 1
        self.row = _number(number, self.row)
        if max(self.rows, self.row) > self.limits.rows + 1:  # and the header
            raise self.limits.too_many_rows(self.name)
        self.cells = self.column = 0

    def _cell(self, reference: str | None) -> None:
        self.cells += 1
        self.column = _column(reference, self.column)
        if max(self.cells, self.column) > MAX_COLUMNS:
            raise self.fail(f"row {self.row}: more than {MAX_COLUMNS} columns")
        self.item, self.item_elements, self.item_chars = "c", 0, 0

    def _end(self, tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local == self.item:
            if self.item == "c":
                self._cell_read()
            self.item = ""
        elif local == "v":
            self.in_value = False
        elif local == "sheetData":
            self.in_rows = False

    def _cell_read(self) -> None:
        """A formula with no saved value is one never computed, unless its result is text
        (`t="str"`): an empty text is a result an application saves as an empty value."""
        if self.formula and not self.value and self.cell_type != "str" and not self.uncomputed:
            from openpyxl.utils import get_column_letter

            self.uncomputed = f"{get_column_letter(min(self.column, MAX_COLUMNS))}{self.row}"

    def _text(self, text: str) -> None:
        if self.in_value and text.strip():
            self.value = True
        if self.item:
            self.item_chars += len(text)
            if self.item_chars > self.limits.cell_chars:
                place = f"row {self.row}" if self.item == "c" else f"shared string {self.strings}"
                raise self.limits.too_long(self.name, f"{self.part}, {place}")


def _number(text: str | None, previous: int) -> int:
    """A row's number as openpyxl reads it ("7" or "7.0"); the next one when it has none."""
    try:
        return int(float(text)) if text else previous + 1
    except (ValueError, OverflowError):
        return previous + 1  # openpyxl refuses it in its turn


def _column(reference: str | None, previous: int) -> int:
    """A cell's column from its reference ("AB7" is 28); the next one when it has none."""
    letters = ""
    for char in reference or "":
        if not char.isalpha():
            break
        letters += char.upper()
        if len(letters) > 3:  # past XFD, Excel's last column
            return MAX_COLUMNS + 1
    if not letters:
        return previous + 1
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_lines(
    name: str, data: bytes, limits: ImportLimits, uncomputed: dict[str, str]
) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = (
                workbook["commitments"]
                if "commitments" in workbook.sheetnames
                else workbook.worksheets[0]
            )
            _refuse_uncomputed(name, sheet, uncomputed)
            # Rows as their cells go, not padded to the dimension the sheet claims.
            sheet.reset_dimensions()
            lines = []
            for row in sheet.iter_rows(values_only=True):
                lines.append([_cell(value) for value in row])
                if len(lines) > limits.rows + 1:
                    raise limits.too_many_rows(name)
                limits.check_time(name)
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except Exception as error:
        # openpyxl answers a malformed part with whatever its code meets first (KeyError,
        # TypeError, IndexError, defusedxml's refusals …): each means "cannot read it".
        raise _unreadable(name, error) from None
    return lines


def _refuse_uncomputed(name: str, sheet, uncomputed: dict[str, str]) -> None:
    """Refuses the sheet read when a formula of it has no saved result: read, it would be an
    empty cell, and a title or a status silently lost. (openpyxl's read-only sheet knows the
    part it streams; the first pass named parts. Should a later openpyxl not say which part
    it reads, any part's formula refuses the workbook: a refusal, never a silent loss.)"""
    if not uncomputed:
        return
    part = _part_of(sheet)
    if part is None:
        where = "cell {1} of part {0}".format(*next(iter(uncomputed.items())))
    elif cell := uncomputed.get(part):
        where = f"sheet {sheet.title}, cell {cell}"
    else:
        return
    raise ImportFailed(
        [
            f"{name}: {where}: a formula whose result was never "
            "saved (the workbook was written by a program, not a spreadsheet application), "
            "so its value cannot be read: open the workbook in a spreadsheet application "
            "and save it, or type the values in place of the formulas."
        ]
    )


def _part_of(sheet) -> str | None:
    """The archive's part a read-only sheet streams, as the first pass names parts."""
    part = getattr(sheet, "_worksheet_path", None)
    return None if part is None else str(part).lstrip("/")


def _cell(value) -> str:
    """A spreadsheet cell as text; dates in ISO 8601, so that the document stays JSON (the
    import page signs it into its preview)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
