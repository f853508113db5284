"""The open dataset of the public agreements (issue 22): a CSV with one row per commitment and
responsible party, a JSON document in the import format (docs/import-format.md), and the
codebook that says what every column and value means. Served under /public/data/ and written
by `manage.py export_open_data -o DIR`, from the same functions.

Only `selectors.agreements_public()` is read, and what stays internal under an agreement's
settings is taken out here too: milestone notes unless published, the content of retracted
evidence unless published (the import format has no analysts' names).
"""

import csv
import json
from collections.abc import Iterator
from datetime import date

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from . import exports, selectors
from .models import Agreement, Commitment, Party
from .models.agreements import AgreementStatus
from .models.commitments import MAX_WEIGHT, STATUS_WEIGHTS, CommitmentStatus, Priority, Theme
from .models.evidence import Credibility, Reliability, Stance
from .routes import object_url
from .selectors.expressions import open_overdue_flag

CSV_NAME = "commitments.csv"
JSON_NAME = "agreements.json"
CODEBOOK_NAME = "codebook.md"

# Every column of the CSV, in order, with what it holds: the codebook's first table.
# The meanings, in the reader's language on the codebook page; the file (`codebook_text`) is
# in English.
CSV_COLUMNS = [
    (
        "agreement_slug",
        gettext_lazy(
            "The agreement's stable short name (its public page: /public/agreements/<slug>/)."
        ),
    ),
    ("agreement_title", gettext_lazy("The agreement's title.")),
    (
        "agreement_status",
        gettext_lazy("The agreement's status: one of the agreement statuses below."),
    ),
    ("signed_on", gettext_lazy("The day the agreement was signed (or announced), YYYY-MM-DD.")),
    ("reference", gettext_lazy("The commitment's reference in the agreement, such as 2.A.1.")),
    ("commitment_title", gettext_lazy("What was promised, in short.")),
    ("theme", gettext_lazy("The commitment's theme: one of the themes below.")),
    ("priority", gettext_lazy("high, medium or low.")),
    (
        "party_code",
        gettext_lazy("The responsible party's short code: one row per commitment and party."),
    ),
    ("party_name", gettext_lazy("The responsible party's name.")),
    (
        "responsible_count",
        gettext_lazy("How many parties share this commitment (rows with the same reference)."),
    ),
    (
        "timeline",
        gettext_lazy(
            "The deadline as the text words it, verbatim; empty for an ongoing commitment."
        ),
    ),
    (
        "counted_from",
        gettext_lazy("The milestone a relative deadline counts from; empty: the signing."),
    ),
    (
        "due_on",
        gettext_lazy(
            "The due date computed from the timeline, YYYY-MM-DD; empty when none or pending."
        ),
    ),
    ("original_due_on", gettext_lazy("The first agreed due date, when the deadline was extended.")),
    ("status", gettext_lazy("The commitment's status: one of the statuses below.")),
    (
        "status_weight",
        format_lazy(
            gettext_lazy("The status's points in the score, 0 to {max_weight}."),
            max_weight=MAX_WEIGHT,
        ),
    ),
    (
        "overdue",
        gettext_lazy(
            "yes when flagged overdue by the last scan (past due, neither implemented nor "
            "abandoned)."
        ),
    ),
    ("disputed", gettext_lazy("yes when the parties' current claims about it disagree.")),
    ("url", gettext_lazy("The commitment's public page.")),
]


def csv_rows(site_url: str) -> Iterator[list]:
    """One row per commitment and responsible party of every public agreement, by agreement
    and reference; read a thousand commitments at a time."""
    commitments = (
        Commitment.objects.filter(agreement__in=selectors.agreements_public())
        .select_related("agreement", "deadline_milestone")
        .prefetch_related(Prefetch("responsible_parties", queryset=Party.objects.order_by("code")))
        .annotate(is_overdue=open_overdue_flag())
        .order_by("agreement__signed_on", "agreement__slug", "sort_key", "pk")
    )
    for commitment in commitments.iterator(chunk_size=1000):
        agreement = commitment.agreement
        parties = list(commitment.responsible_parties.all())
        milestone = commitment.deadline_milestone
        for party in parties or [None]:  # a commitment no party is responsible for: one row
            yield [
                agreement.slug,
                agreement.title,
                agreement.status,
                agreement.signed_on,
                commitment.reference,
                commitment.title,
                commitment.theme,
                commitment.priority,
                party.code if party else "",
                party.name if party else "",
                len(parties),
                commitment.timeline_wording,
                milestone.name if milestone else "",
                commitment.due_on,
                commitment.original_due_on,
                commitment.status,
                STATUS_WEIGHTS[commitment.status],
                "yes" if commitment.is_overdue else "no",
                "yes" if commitment.is_disputed else "no",
                site_url + object_url("public:commitment-detail", commitment.pk),
            ]


def csv_lines(site_url: str) -> Iterator[str]:
    """The CSV as text lines, every cell defused against spreadsheet formulas."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield writer.writerow([name for name, _ in CSV_COLUMNS])
    for row in csv_rows(site_url):
        yield writer.writerow(exports.spreadsheet_safe(_text(cell)) for cell in row)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


# What a retracted piece of evidence loses when its agreement keeps its content internal.
WITHHELD_EVIDENCE_KEYS = (
    "occurred_on",
    "source_url",
    "source_publisher",
    "source_title",
    "source_date",
    "quote",
)


# Agreements read whole at a time for the JSON: memory and each batch's queries stay bounded
# however many agreements are public.
JSON_BATCH = 25


def json_chunks() -> Iterator[str]:
    """Every public agreement in the import format, with what stays internal taken out, as
    pieces of one JSON document: the parties, then the agreements read `JSON_BATCH` at a time
    (`selectors.agreements_for_export`, a fixed number of queries a batch)."""
    parties = selectors.parties_public().order_by("code")
    head = {
        "format": exports.FORMAT,
        "parties": [
            {"code": party.code, "name": party.name, "kind": party.kind} for party in parties
        ],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "agreements": ['
    ids = list(
        selectors.agreements_public().order_by("signed_on", "slug").values_list("pk", flat=True)
    )
    separator = ""
    for start in range(0, len(ids), JSON_BATCH):
        batch = list(
            selectors.agreements_for_export(
                Agreement.objects.filter(pk__in=ids[start : start + JSON_BATCH]).order_by(
                    "signed_on", "slug"
                )
            )
        )
        for agreement, item in zip(
            batch, exports.agreements_document(batch)["agreements"], strict=True
        ):
            _withhold(item, agreement)
            yield separator + json.dumps(item, ensure_ascii=False, default=str)
            separator = ", "
    yield "]}\n"


def json_document() -> dict:
    """The same document whole, as a dictionary."""
    return json.loads("".join(json_chunks()))


def _withhold(item: dict, agreement) -> None:
    """Take out of one exported agreement what its settings keep internal."""
    if not agreement.public_milestone_notes:
        for milestone in item.get("milestones", []):
            milestone.pop("note", None)
    if agreement.public_retracted_content:
        return
    for commitment in item.get("commitments", []):
        for number, evidence in enumerate(commitment.get("evidence", []), start=1):
            if "retracted_at" not in evidence:
                continue
            for key in WITHHELD_EVIDENCE_KEYS:
                evidence.pop(key, None)
            # Evidence is matched by its summary on import: each withheld one keeps its own.
            evidence["summary"] = f"Retracted evidence {number}: its content is not published."


def codebook() -> dict:
    """What the codebook page and file say: the columns, every status and its weight, the
    themes, priorities, agreement statuses and the grading scales."""
    return {
        "columns": CSV_COLUMNS,
        "statuses": [
            (status.value, status.label, STATUS_WEIGHTS[status]) for status in CommitmentStatus
        ],
        "max_weight": MAX_WEIGHT,
        "themes": Theme.choices,
        "priorities": Priority.choices,
        "agreement_statuses": AgreementStatus.choices,
        "reliability": Reliability.choices,
        "credibility": Credibility.choices,
        "stances": Stance.choices,
        "csv_name": CSV_NAME,
        "json_name": JSON_NAME,
    }


def codebook_text() -> str:
    # A file of the dataset: in English, as its columns and the JSON's values are.
    with translation.override(None):
        return render_to_string("tracker/public_codebook.md", codebook())


def write_files(directory, site_url: str) -> list[str]:
    """The three files into `directory` (a pathlib.Path that exists); their names."""
    with open(directory / CSV_NAME, "w", encoding="utf-8", newline="") as out:
        out.writelines(csv_lines(site_url))
    with open(directory / JSON_NAME, "w", encoding="utf-8") as out:
        out.writelines(json_chunks())
    (directory / CODEBOOK_NAME).write_text(codebook_text(), encoding="utf-8")
    return [CSV_NAME, JSON_NAME, CODEBOOK_NAME]
