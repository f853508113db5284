"""Hostile import files, small on disk, built by hand: the zip and its XML written in chunks
so that a gigabyte never sits in the test's memory."""

import functools
import io
import itertools
import json
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_END = b"</sheetData></worksheet>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>agreement</t></is></c></row>'

YAML = b"""parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    commitments:
      - {reference: "1", title: Patrols, timeline: within 3 months, status: in_progress}
      - {reference: "2", title: Hotline, timeline: within 1 month}
"""
CSV = (
    b"agreement,agreement_title,signed_on,parties,reference,title,status\r\n"
    b'doha,Doha follow-up,2026-01-31,"Pakistan (PAK), Afghanistan (AFG)",1,Patrols,in_progress\r\n'
    b"doha,,,,2,Hotline,\r\n"
)


def json_document() -> dict:
    return {
        "parties": [{"code": "PAK", "name": "Pakistan"}, {"code": "AFG", "name": "Afghanistan"}],
        "agreements": [
            {
                "slug": "doha",
                "title": "Doha follow-up",
                "parties": ["PAK", "AFG"],
                "signed_on": "2026-01-31",
                "commitments": [{"reference": "1", "title": "Patrols", "status": "in_progress"}],
            }
        ],
    }


def workbook_with(parts: dict[str, Iterable[bytes]]) -> bytes:
    """A workbook openpyxl wrote, with `parts` replaced or added, each streamed in chunks."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, chunks in parts.items():
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return out.getvalue()


def sheet(*rows: bytes) -> list[bytes]:
    return [SHEET_START, *rows, SHEET_END]


@functools.cache
def zip_bomb() -> bytes:
    """About 1 MB: one cell of a gigabyte."""
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    megabyte = b"a" * 1024 * 1024
    text = itertools.repeat(megabyte, 1024)  # written one at a time, never held together
    end = b"</t></is></c></row>"
    return workbook_with(
        {SHEET: itertools.chain([SHEET_START, HEADER_ROW, cell], text, [end, SHEET_END])}
    )


@functools.cache
def rows_bomb(rows: int) -> bytes:
    """A row of one number, `rows` times: a million of them zip to some 60 KB."""
    block = b"<row><c><v>1</v></c></row>" * 10_000
    blocks = itertools.repeat(block, rows // 10_000)
    return workbook_with({SHEET: itertools.chain([SHEET_START], blocks, [SHEET_END])})


def far_row() -> bytes:
    """openpyxl fills the gap up to row 1,048,576 with empty rows."""
    return workbook_with({SHEET: sheet(HEADER_ROW, b'<row r="1048576"/>')})


def wide_row() -> bytes:
    """openpyxl pads the row to its last column, the 16,384th."""
    return workbook_with({SHEET: sheet(HEADER_ROW, b'<row r="2"><c r="XFD2"><v>1</v></c></row>')})


def billion_laughs() -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"
    return workbook_with(
        {SHEET: [SHEET_START.replace(b"\n", b"\n" + doctype), HEADER_ROW, cell, SHEET_END]}
    )


def external_entity(path) -> bytes:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file://%s">]>' % str(path).encode()
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return workbook_with(
        {SHEET: [SHEET_START.replace(b"\n", b"\n" + doctype), HEADER_ROW, cell, SHEET_END]}
    )


def deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_yaml(depth: int = 50_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_block_yaml(depth: int = 50_000) -> bytes:
    return b"- " * depth + b"x\n"


def json_with_nul_escape() -> bytes:
    document = json_document()
    document["agreements"][0]["commitments"][0]["title"] = "Pat\x00rols"
    return json.dumps(document, indent=2).encode()


def with_shared_strings(strings: Iterable[bytes], *rows: bytes) -> bytes:
    """As Excel writes a workbook: its texts in xl/sharedStrings.xml, cells pointing at them."""
    base = io.BytesIO()
    Workbook().save(base)
    with zipfile.ZipFile(base) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )
    table = itertools.chain(
        [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'],
        (b"<si><t>%s</t></si>" % text for text in strings),
        [b"</sst>"],
    )
    return workbook_with(
        {"[Content_Types].xml": [types], "xl/sharedStrings.xml": table, SHEET: sheet(*rows)}
    )


def shared_row(number: int, *indexes: int) -> bytes:
    cells = b"".join(b'<c t="s"><v>%d</v></c>' % index for index in indexes)
    return b'<row r="%d">%s</row>' % (number, cells)
