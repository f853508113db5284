"""Reading an import file into the nested document of docs/import-format.md.

JSON and YAML files are the document itself. A CSV file, or an XLSX workbook's sheet, holds
one commitment per row with its agreement's columns beside it; `rows_to_document` folds the
rows into the same nesting and labels every item with its row number, so that an error names
the row. Nothing here touches the database.
"""

import csv
import io
import json
import re
from pathlib import PurePath

import yaml

from .exports import spreadsheet_text
from .import_limits import MAX_COLUMNS, ImportFailed, ImportLimits, check_file_name
from .import_xlsx import xlsx_lines

SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".xlsx")
WHERE = "_where"  # the label an error uses for an item read from a row

# Spreadsheet column -> key of the agreement in the nested document.
AGREEMENT_COLUMNS = {
    "agreement": "slug",
    "agreement_title": "title",
    "signed_on": "signed_on",
    "signed_on_kind": "signed_on_kind",
    "agreement_status": "status",
    "summary": "summary",
    "parties": "parties",
    "teams": "teams",
}
COMMITMENT_COLUMNS = (
    "reference",
    "title",
    "description",
    "theme",
    "priority",
    "responsible",
    "timeline",
    "counted_from",
    "status",
)
MILESTONE_DATE_COLUMN = "counted_from_date"
# Written by the commitments export (tracker.exports) and computed here, so read and ignored.
IGNORED_COLUMNS = ("due_on", "overdue", "url")
KNOWN_COLUMNS = (
    *AGREEMENT_COLUMNS,
    *COMMITMENT_COLUMNS,
    MILESTONE_DATE_COLUMN,
    *IGNORED_COLUMNS,
)
_NAMED_PARTY = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[^()]+)\)$")
NUL = "a NUL character (code 0) cannot be imported"  # PostgreSQL's text cannot hold one


def read_document(name: str, data: bytes, *, limits: ImportLimits | None = None) -> dict:
    """The nested document held in `data`, read by the file name's suffix within `limits`
    (the command's by default)."""
    limits = limits or ImportLimits.for_command()
    check_file_name(name)
    limits.check_size(name, len(data))
    suffix = PurePath(name).suffix.lower()
    if suffix == ".json":
        return _counted(name, _read_json(name, data, limits), limits)
    if suffix in (".yaml", ".yml"):
        return _counted(name, _read_yaml(name, data, limits), limits)
    if suffix == ".csv":
        return rows_to_document(name, _table(name, _csv_lines(name, data, limits), limits))
    if suffix == ".xlsx":
        return rows_to_document(name, _table(name, xlsx_lines(name, data, limits), limits))
    raise ImportFailed([f"{name}: unknown file type “{suffix}”: use one of {', '.join(SUFFIXES)}."])


def _text(name: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            [f"{name}: not UTF-8 text (byte {error.start}): save it as UTF-8 (“CSV UTF-8”)."]
        ) from None
    if (position := text.find("\0")) >= 0:
        hint = "a file saved as UTF-16 has one in every character: save it as UTF-8"
        raise _refused(name, _line(text, position), f"{NUL}; {hint}")
    return text


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _refused(name: str, line: int, problem: str) -> ImportFailed:
    return ImportFailed([f"{name}: line {line}: {problem}."])


def _counted(name: str, document, limits: ImportLimits):
    """A JSON or YAML file holds at most as many commitments as a spreadsheet rows."""
    agreements = document.get("agreements") if isinstance(document, dict) else None
    if isinstance(agreements, list):
        count = sum(
            len(agreement["commitments"])
            for agreement in agreements
            if isinstance(agreement, dict) and isinstance(agreement.get("commitments"), list)
        )
        if count > limits.rows:
            raise limits.too_many_rows(name, "commitments")
    return document


# A JSON string (escapes and all) or a bracket: what nests, and what may hide an escape.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def _read_json(name: str, data: bytes, limits: ImportLimits):
    text = _text(name, data)
    _scan_json(name, text, limits)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [f"{name}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."]
        ) from None
    except ValueError as error:  # a number of more than 4,300 digits
        raise ImportFailed([f"{name}: not valid JSON: {error}."]) from None


def _scan_json(name: str, text: str, limits: ImportLimits) -> None:
    """Refuse, naming the line, what json.loads would take in and the import could not:
    nesting deep enough to exhaust the stack, and strings that are too long or hold \\u0000
    or an unpaired surrogate (which PostgreSQL cannot store)."""
    depth = 0
    for count, match in enumerate(_JSON_TOKEN.finditer(text)):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limits.depth:
                raise limits.too_deep(name, f"line {_line(text, match.start())}")
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
        elif ("\\u" in token or len(token) > limits.cell_chars) and (
            problem := _string_problem(_json_string(token), limits)
        ):
            raise _refused(name, _line(text, match.start()), problem)
        if count % 10_000 == 0:
            limits.check_time(name)


def _json_string(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return ""  # json.loads of the whole file names the fault


def _string_problem(value: str, limits: ImportLimits) -> str | None:
    """What is wrong with a string of JSON or YAML, if anything."""
    if len(value) > limits.cell_chars:
        return limits.too_long_text
    if "\0" in value:
        return NUL
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "an unpaired surrogate (\\ud800–\\udfff) is not a character"
    return None


class _StringLoader(yaml.BaseLoader):
    """Every scalar stays a string ("2.10" is a reference, not the number 2.1), and aliases
    are refused: an upload cannot expand into a huge document. Nesting is counted as the
    nodes are composed, and refused before it can exhaust the stack."""

    def __init__(self, text: str, *, name: str, limits: ImportLimits):
        super().__init__(text)
        self.name, self.limits, self.depth, self.nodes = name, limits, 0, 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted", event.start_mark
            )
        if isinstance(event, yaml.ScalarEvent) and (
            problem := _string_problem(event.value, self.limits)
        ):
            raise _refused(self.name, line, problem)
        self.nodes += 1
        if self.nodes % 1000 == 0:
            self.limits.check_time(self.name)
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > self.limits.depth:
            raise self.limits.too_deep(self.name, f"line {line}")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _read_yaml(name: str, data: bytes, limits: ImportLimits):
    text = _text(name, data)
    try:
        loader = _StringLoader(text, name=name, limits=limits)  # checks the characters
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ImportFailed([f"{name}: not valid YAML: {problem}{where}."]) from None


def _column(header: str) -> str:
    return re.sub(r"\s+", "_", str(header or "").strip().lower())


def _csv_lines(name: str, data: bytes, limits: ImportLimits) -> list[list[str]]:
    text = _text(name, data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    try:
        for line in reader:
            lines.append(line)
            if len(lines) > limits.rows + 1:  # and the header
                raise limits.too_many_rows(name)
            limits.check_time(name)
    except csv.Error as error:
        raise ImportFailed([f"{name}: not valid CSV: {error} (line {reader.line_num})."]) from None
    return lines


def _table(name: str, lines: list[list], limits: ImportLimits) -> list[tuple[int, dict]]:
    """Rows as (row number, {column: value}); the first line names the columns."""
    if not lines:
        raise ImportFailed([f"{name}: the file is empty; the first row names the columns."])
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_COLUMNS:
            raise ImportFailed(
                [
                    f"{name}: row {number}: more than {MAX_COLUMNS} columns; "
                    f"the format has {len(KNOWN_COLUMNS)}."
                ]
            )
        if any(len(cell) > limits.cell_chars for cell in line):
            raise limits.too_long(name, f"row {number}")
    header = [_column(cell) for cell in lines[0]]
    errors = []
    unknown = [column for column in header if column and column not in KNOWN_COLUMNS]
    if unknown:
        errors.append(
            f"{name}: row 1: unknown column(s) {', '.join(unknown)}; "
            f"the columns are {', '.join(KNOWN_COLUMNS)}."
        )
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        errors.append(f"{name}: row 1: column(s) {', '.join(repeated)} appear more than once.")
    missing = [column for column in ("agreement", "reference") if column not in header]
    if missing:
        errors.append(f"{name}: row 1: the column(s) {', '.join(missing)} are required.")
    if errors:
        raise ImportFailed(errors)
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        values = {
            column: spreadsheet_text(value.strip()) if isinstance(value, str) else value
            for column, value in zip(header, line, strict=False)
            if column and column not in IGNORED_COLUMNS
        }
        if any(value not in ("", None) for value in values.values()):
            rows.append((number, values))
    return rows


def rows_to_document(name: str, rows: list[tuple[int, dict]]) -> dict:
    """Fold one-commitment-per-row tables into the nested document.

    An agreement's columns may be repeated on each of its rows or given once; a value that
    differs from an earlier row's is an error. An empty cell is a value left out.
    """
    errors: list[str] = []
    agreements: dict[str, dict] = {}
    parties: dict[str, dict] = {}
    first_row: dict[tuple[str, str], int] = {}
    for number, row in rows:
        slug = row.get("agreement", "")
        if not slug:
            errors.append(f"{name}: row {number}, field agreement: the agreement's slug is needed.")
            continue
        agreement = agreements.setdefault(
            slug,
            {WHERE: f"row {number} (agreement {slug})", "commitments": [], "milestones": []},
        )
        for column, key in AGREEMENT_COLUMNS.items():
            value = row.get(column, "")
            if value in ("", None):
                continue
            if column == "parties":
                value = _party_codes(value, parties, number)
            elif column == "teams":
                value = [item.strip() for item in str(value).split(",") if item.strip()]
            if key not in agreement:
                agreement[key] = value
                first_row[slug, column] = number
            elif agreement[key] != value:
                errors.append(
                    f"{name}: row {number}, field {column}: “{_show(value)}” differs from "
                    f"row {first_row[slug, column]} (“{_show(agreement[key])}”) for agreement "
                    f"{slug}; give it once, or the same on every row."
                )
        commitment = {WHERE: f"row {number}"}
        for column in COMMITMENT_COLUMNS:
            value = row.get(column, "")
            if value not in ("", None):
                commitment[column] = value
        if "responsible" in commitment:
            commitment["responsible"] = _party_codes(commitment["responsible"], parties, number)
        agreement["commitments"].append(commitment)
        milestone_date = row.get(MILESTONE_DATE_COLUMN, "")
        if milestone_date not in ("", None):
            _milestone(name, agreement, commitment, milestone_date, number, errors)
    if errors:
        raise ImportFailed(errors)
    return {"parties": list(parties.values()), "agreements": list(agreements.values())}


def _show(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _party_codes(cell, parties: dict[str, dict], number: int) -> list[str]:
    """'PAK, AFG' or 'Pakistan (PAK), Afghanistan (AFG)': codes; named ones define parties."""
    codes = []
    for item in str(cell).replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if match := _NAMED_PARTY.match(item):
            code = match["code"].strip()
            parties.setdefault(
                code, {WHERE: f"row {number}, party {code}", "code": code, "name": match["name"]}
            )
            codes.append(code)
        else:
            codes.append(item)
    return codes


def _milestone(name, agreement, commitment, milestone_date, number, errors) -> None:
    milestone_name = commitment.get("counted_from", "")
    if not milestone_name:
        errors.append(
            f"{name}: row {number}, field {MILESTONE_DATE_COLUMN}: give the milestone's name "
            "in counted_from too."
        )
        return
    for milestone in agreement["milestones"]:
        if milestone["name"] == milestone_name:
            if milestone["date"] != milestone_date:
                errors.append(
                    f"{name}: row {number}, field {MILESTONE_DATE_COLUMN}: “{milestone_date}” "
                    f"differs from {milestone[WHERE]} (“{milestone['date']}”) for milestone "
                    f"“{milestone_name}”."
                )
            return
    agreement["milestones"].append(
        {WHERE: f"row {number}", "name": milestone_name, "date": milestone_date}
    )
