"""Shared by every export: cells that a spreadsheet would run as formulas are defused.

Also the exports themselves: a commitments list as CSV or XLSX (what the page shows, every
page of it), and whole agreements as a document in the import format
(docs/import-format.md), so that an export imported into an empty database gives the same
agreements back.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

import yaml
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from .models import Agreement, Commitment, ScoreRule
from .models.base import english_display
from .routes import object_url

# The import/export document format (docs/import-format.md), written as its `format` key.
FORMAT = "commitment-tracker/1"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XLSX (XML 1.0) cannot hold; openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TABLE_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """Text that starts like a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_text(value):
    """Undo `spreadsheet_safe` on a cell read back: an export imports without changes."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


# ---------------------------------------------------------------------------------------------
# Tables


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(columns: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """Rows streamed as CSV (UTF-8), every cell defused."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow(spreadsheet_safe(cell) for cell in row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# Column widths in characters, by column name; any other column is as wide as its heading
# (at least XLSX_MIN_WIDTH).
XLSX_WIDTHS = {
    "agreement": 40,
    "title": 60,
    "timeline": 30,
    "counted_from": 24,
    "due_on": 12,
    "url": 50,
}
XLSX_MIN_WIDTH = 10


def xlsx_response(columns: list[str], rows: Iterable[list], filename: str) -> HttpResponse:
    """Rows as one XLSX sheet: a bold heading row that stays in view, columns wide enough to
    read, dates as date cells (`yyyy-mm-dd`), text defused and cleaned of control
    characters. Widths and the frozen row are set before the rows: a write-only sheet
    writes them first."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    for number, name in enumerate(columns, start=1):
        width = XLSX_WIDTHS.get(name, max(len(name) + 2, XLSX_MIN_WIDTH))
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_heading(WriteOnlyCell(sheet, value=name), bold) for name in columns])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _heading(cell, font):
    cell.font = font
    return cell


def _xlsx_cell(value):
    if isinstance(value, str):
        return spreadsheet_safe(_XML_ILLEGAL.sub("", value))
    return value


def table_response(fmt: str, columns: list[str], rows: Iterable[list], filename: str):
    if fmt == "xlsx":
        return xlsx_response(columns, rows, filename)
    return csv_response(columns, rows, filename)


COMMITMENT_COLUMNS = [
    "agreement",
    "reference",
    "title",
    "responsible",
    "theme",
    "priority",
    "timeline",
    "counted_from",
    "due_on",
    "status",
    "overdue",
    "url",
]


def commitment_url(request: HttpRequest) -> Callable[[int], str]:
    """The absolute URL of a commitment's page from its pk (`routes.object_url`)."""
    origin = request.build_absolute_uri("/")[:-1]
    return lambda pk: origin + object_url("tracker:commitment-detail", pk)


def commitment_rows(
    commitments: Iterable[Commitment], *, url: Callable[[int], str]
) -> Iterator[list]:
    """One row per commitment, with the columns of COMMITMENT_COLUMNS. The import reads these
    columns back (ignoring the computed due_on, overdue and url), so an exported list can be
    edited in a spreadsheet and imported again. Needs `is_overdue` annotated, the agreement
    and the milestone selected and the responsible parties prefetched."""
    for commitment in commitments:
        milestone = commitment.deadline_milestone
        yield [
            commitment.agreement.slug,
            commitment.reference,
            commitment.title,
            ", ".join(party.code for party in commitment.responsible_parties.all()),
            english_display(commitment, "theme"),
            english_display(commitment, "priority"),
            commitment.timeline_wording,
            milestone.name if milestone else "",
            commitment.due_on,
            english_display(commitment, "status"),
            "yes" if commitment.is_overdue else "no",
            url(commitment.pk),
        ]


# ---------------------------------------------------------------------------------------------
# Agreements in the import format


def agreements_document(agreements: Iterable[Agreement]) -> dict:
    """Agreements (loaded by `selectors.agreement_for_export`) as an import document.

    Empty values are left out: on import a key left out takes its default for a new item.
    The signing milestone is left out too: it follows `signed_on`.
    """
    agreements = list(agreements)
    parties = {party.code: party for agreement in agreements for party in agreement.parties.all()}
    return {
        "format": FORMAT,
        "parties": [
            {"code": party.code, "name": party.name, "kind": party.kind}
            for party in sorted(parties.values(), key=lambda party: party.code)
        ],
        "agreements": [_agreement(agreement) for agreement in agreements],
    }


class _YamlDumper(yaml.SafeDumper):
    """PyYAML writes a NEL (U+0085) in a plain or single-quoted text as a line break, which
    reads back as a space: a text holding one is written double-quoted, where it is escaped
    (`\\N`)."""


def _yaml_str(dumper, value: str):
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_YamlDumper.add_representer(str, _yaml_str)


def yaml_text(document: dict) -> str:
    """An import document as YAML that reads back the same."""
    return yaml.dump(document, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False, width=96)


def _agreement(agreement: Agreement) -> dict:
    teams = [team.name for team in agreement.teams.all()]
    return _compact(
        {
            "slug": agreement.slug,
            "title": agreement.title,
            "parties": [party.code for party in agreement.parties.all()],
            "signed_on": agreement.signed_on,
            "signed_on_kind": agreement.signed_on_kind,
            "status": agreement.status,
            "summary": agreement.summary,
            "prompt_grace_days": agreement.prompt_grace_days,
            "score_rule": None if agreement.score_rule == ScoreRule.PAM else agreement.score_rule,
            "teams": teams or None,
            "sources": [
                _compact(
                    {
                        "title": source.title,
                        "kind": source.kind,
                        "url": source.url,
                        "publisher": source.publisher,
                        "published_on": source.published_on,
                    }
                )
                for source in agreement.sources.all()
            ],
            "milestones": [
                _compact(
                    {
                        "name": milestone.name,
                        "kind": milestone.kind,
                        "date": milestone.date,
                        "date_is_estimate": milestone.date_is_estimate or None,
                        "note": milestone.note,
                    }
                )
                for milestone in agreement.milestones.all()
                if not milestone.is_signing
            ],
            "holidays": [
                _compact({"date": holiday.date, "name": holiday.name})
                for holiday in agreement.holidays.all()
            ],
            "texts": [
                _compact(
                    {
                        "language": text.language,
                        "title": text.title,
                        "is_authentic": text.is_authentic or None,
                        "source_url": text.source_url,
                        "text": text.text,
                    }
                )
                for text in agreement.texts.all()
            ],
            "commitments": [_commitment(commitment) for commitment in agreement.commitments.all()],
        }
    )


def _commitment(commitment: Commitment) -> dict:
    evidence = list(commitment.evidence.all())
    position = {item.pk: n for n, item in enumerate(evidence, start=1)}
    milestone = commitment.deadline_milestone
    return _compact(
        {
            "reference": commitment.reference,
            "title": commitment.title,
            "description": commitment.description,
            "theme": commitment.theme,
            "priority": commitment.priority,
            "responsible": [party.code for party in commitment.responsible_parties.all()],
            "timeline": commitment.timeline_wording,
            "counted_from": milestone.name if milestone else None,
            "status": commitment.status,
            "obligations": _obligations(commitment),
            "history": [
                _compact(
                    {
                        "at": _moment(change.changed_at),
                        "party": change.party.code if change.party else None,
                        "status": change.to_status,
                        "reason": change.reason,
                        "cites": position.get(change.evidence_id),
                    }
                )
                for change in commitment.status_changes.all()
            ],
            "evidence": [_evidence(item) for item in evidence],
            "depends_on": [prerequisite.reference for prerequisite in commitment.depends_on.all()],
            "extensions": [_extension(extension) for extension in commitment.extensions.all()],
            "criteria": [
                _compact(
                    {
                        "text": criterion.text,
                        "met_on": criterion.met_on,
                        "evidence": position.get(criterion.evidence_id),
                    }
                )
                for criterion in commitment.criteria.all()
            ],
        }
    )


def _obligations(commitment: Commitment) -> dict[str, str] | None:
    """Each party's own status, by code; left out when every party stands at the
    commitment's status (then `status` says it all)."""
    statuses = {o.party.code: o.status for o in commitment.obligations.all()}
    if all(status == commitment.status for status in statuses.values()):
        return None
    return statuses


def _extension(extension) -> dict:
    before, after = extension.previous_milestone, extension.new_milestone
    return _compact(
        {
            "from_timeline": extension.previous_wording,
            "from_counted_from": before.name if before else None,
            "timeline": extension.new_wording,
            "counted_from": after.name if after else None,
            "reason": extension.reason,
            "source_title": extension.source_title,
            "source_url": extension.source_url,
            "recorded_at": _moment(extension.recorded_at),
        }
    )


def _evidence(evidence) -> dict:
    return _compact(
        {
            "summary": evidence.summary,
            "occurred_on": evidence.occurred_on,
            "source_url": evidence.source_url,
            "source_publisher": evidence.source_publisher,
            "source_title": evidence.source_title,
            "source_date": evidence.source_date,
            "quote": evidence.quote,
            "stance": evidence.stance,
            "claimed_by": evidence.claimed_by.code if evidence.claimed_by else None,
            "concerns_party": evidence.concerns_party.code if evidence.concerns_party else None,
            "reliability": evidence.reliability,
            "credibility": evidence.credibility,
            "logged_at": _moment(evidence.logged_at),
            "retraction_reason": evidence.retraction_reason,
            "retracted_at": _moment(evidence.retracted_at),
        }
    )


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _compact(values: dict) -> dict:
    """Leave out what is empty; dates as ISO text."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
        if value not in (None, "", [])
    }
