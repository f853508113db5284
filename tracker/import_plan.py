"""Reading an import document into a plan: every value checked before anything is written.

The document is the nesting of docs/import-format.md (as `import_files.read_document` reads
it from JSON, YAML, CSV or XLSX). A key left out, or null, means "keep the current value"
(or take the default for a new item). Every problem is collected, each naming the file, the
place (agreement 1 “…”, commitment 3 (ref 2.1), or a spreadsheet's row) and the field.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone

from .exports import FORMAT
from .import_files import WHERE, ImportFailed
from .models import (
    Agreement,
    AgreementStatus,
    CommitmentStatus,
    MilestoneKind,
    Party,
    Priority,
    Reliability,
    ScoreRule,
    Source,
    Stance,
    Theme,
)
from .models.agreements import MAX_GRACE_DAYS
from .models.base import english

PARTY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")  # as the party_code_capitals constraint
MAX_ERRORS = 100


class _Item:
    """One mapping of the document. Problems are collected in `errors`, never raised."""

    def __init__(self, errors: list[str], file_name: str, where: str, data, allowed: tuple):
        self.errors, self.file_name, self.data = errors, file_name, data
        self.where = data.get(WHERE, where) if isinstance(data, dict) else where
        if not isinstance(data, dict):
            self.fail(None, "should be a mapping of keys to values")
            self.data = {}
            return
        unknown = sorted(str(key) for key in data if key not in allowed and key != WHERE)
        if unknown:
            self.fail(
                None, f"unknown key(s) {', '.join(unknown)}; the keys are {', '.join(allowed)}"
            )

    def fail(self, key: str | None, message: str) -> None:
        place = f"{self.where}, field {key}" if key else self.where
        self.errors.append(f"{self.file_name}: {place}: {message}.")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (required and str(value).strip() == ""):
            if required:
                self.fail(key, "is required")
            return None
        if isinstance(value, (dict, list)):
            self.fail(key, "should be text")
            return None
        return str(value).strip()

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self.data.get(key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(key, required=required)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(key, f"“{text}” is not a date: write it as YYYY-MM-DD")
            return None

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if not isinstance(value, datetime):
            text = self.text(key, required=required)
            if not text:
                return None
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                self.fail(key, f"“{text}” is not a date and time: write it as ISO 8601")
                return None
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def choice(self, key: str, choices: type[TextChoices]) -> str | None:
        """A value of the vocabulary, given as its value ("in_progress") or its label."""
        text = self.text(key)
        if text is None:
            return None
        for value, label in choices.choices:
            if text.lower() in (str(value).lower(), english(label).lower(), str(label).lower()):
                return value
        allowed = ", ".join(str(value) for value in choices.values)
        self.fail(key, f"“{text}” is not one of {allowed}")
        return None

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.fail(key, f"“{text}” should be a whole number from {low} to {high}")
            return None
        return number

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0", ""):
            return False
        self.fail(key, f"“{value}” should be true or false")
        return None

    def names(self, key: str) -> list[str] | None:
        """A list, or text separated by commas: party codes, team names."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or any(isinstance(item, (dict, list)) for item in value):
            self.fail(key, "should be a list")
            return None
        return [str(item).strip() for item in value if str(item).strip()]

    def items(self, key: str) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "should be a list")
            return []
        return value


def _collect(item: _Item, readers: dict[str, Callable[[], object]]) -> dict:
    """The values the file gives: key left out (or null) means keep the current value."""
    values = {}
    for name, read in readers.items():
        value = read()
        if value is not None:
            values[name] = value
    return values


# ---------------------------------------------------------------------------------------------
# The plan: what the file says, read and checked, before anything is written


@dataclass
class EvidencePlan:
    where: str
    values: dict
    claimed_by: str | None
    concerns_party: str | None
    retraction_reason: str | None
    retracted_at: datetime | None


@dataclass
class HistoryPlan:
    where: str
    at: datetime | None
    status: str | None
    reason: str | None
    cites: int | None
    party: str | None = None


@dataclass
class ExtensionPlan:
    where: str
    from_timeline: str
    from_counted_from: str | None
    timeline: str
    counted_from: str | None
    reason: str
    source_title: str
    source_url: str
    recorded_at: datetime | None


@dataclass
class CriterionPlan:
    where: str
    text: str
    met_on: date | None
    evidence: int | None  # the position (from 1) of the commitment's evidence that shows it


@dataclass
class CommitmentPlan:
    where: str
    reference: str
    values: dict
    responsible: list[str] | None
    counted_from: str | None
    status: str | None
    history: list[HistoryPlan]
    evidence: list[EvidencePlan]
    depends_on: list[str] | None
    extensions: list[ExtensionPlan]
    criteria: list[CriterionPlan]
    # Each responsible party's own status, by party code (None: not given).
    obligations: dict[str, str] | None = None


@dataclass
class PartyPlan:
    where: str
    code: str
    values: dict


@dataclass
class AgreementPlan:
    where: str
    slug: str
    values: dict
    parties: list[str] | None
    teams: list[str] | None
    sources: list[tuple[str, dict]]
    milestones: list[tuple[str, dict]]
    holidays: dict[date, str] | None
    commitments: list[CommitmentPlan]
    texts: list[tuple[str, dict]] = field(default_factory=list)  # (language, values)


@dataclass
class Plan:
    parties: list[PartyPlan]
    agreements: list[AgreementPlan]

    @property
    def commitment_total(self) -> int:
        return sum(len(agreement.commitments) for agreement in self.agreements)


TOP_KEYS = ("format", "parties", "agreements")
PARTY_KEYS = ("code", "name", "kind")
AGREEMENT_KEYS = (
    "slug",
    "title",
    "parties",
    "signed_on",
    "signed_on_kind",
    "status",
    "summary",
    "prompt_grace_days",
    "score_rule",
    "teams",
    "sources",
    "milestones",
    "holidays",
    "texts",
    "commitments",
)
SOURCE_KEYS = ("title", "kind", "url", "publisher", "published_on")
MILESTONE_KEYS = ("name", "kind", "date", "date_is_estimate", "note")
HOLIDAY_KEYS = ("date", "name")
TEXT_KEYS = ("language", "title", "is_authentic", "source_url", "text")
COMMITMENT_KEYS = (
    "reference",
    "title",
    "description",
    "theme",
    "priority",
    "responsible",
    "timeline",
    "counted_from",
    "status",
    "obligations",
    "history",
    "evidence",
    "depends_on",
    "extensions",
    "criteria",
)
CRITERION_KEYS = ("text", "met_on", "evidence")
HISTORY_KEYS = ("at", "status", "reason", "cites", "party")
EXTENSION_KEYS = (
    "from_timeline",
    "from_counted_from",
    "timeline",
    "counted_from",
    "reason",
    "source_title",
    "source_url",
    "recorded_at",
)
EVIDENCE_KEYS = (
    "summary",
    "occurred_on",
    "source_url",
    "source_publisher",
    "source_title",
    "source_date",
    "quote",
    "stance",
    "claimed_by",
    "concerns_party",
    "reliability",
    "credibility",
    "logged_at",
    "retraction_reason",
    "retracted_at",
)


def read_plan(document, *, file_name: str) -> Plan:
    """Every value of the document read and checked; raises `ImportFailed` with them all."""
    errors: list[str] = []
    top = _Item(errors, file_name, "the file", document, TOP_KEYS)
    if top.has("format") and top.text("format") != FORMAT:
        top.fail("format", f"“{top.text('format')}” is not {FORMAT}")
    parties = [
        _read_party(_Item(errors, file_name, f"party {n}", data, PARTY_KEYS))
        for n, data in enumerate(top.items("parties"), start=1)
    ]
    agreements = [
        _read_agreement(errors, file_name, n, data)
        for n, data in enumerate(top.items("agreements"), start=1)
    ]
    if not errors and not agreements and not parties:
        top.fail(None, "has no agreements: see docs/import-format.md")
    _no_repeats(errors, file_name, "party code", [(plan.code, plan.where) for plan in parties])
    _no_repeats(
        errors, file_name, "agreement slug", [(plan.slug, plan.where) for plan in agreements]
    )
    if errors:
        raise ImportFailed(errors[:MAX_ERRORS] + more_errors(errors))
    return Plan(parties=parties, agreements=agreements)


def more_errors(errors: list[str]) -> list[str]:
    hidden = len(errors) - MAX_ERRORS
    return [f"… and {hidden} more problems."] if hidden > 0 else []


def _no_repeats(errors, file_name: str, what: str, keys: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for key, where in keys:
        if key and key in seen:
            errors.append(f"{file_name}: {where}: {what} “{key}” appears twice (also {seen[key]}).")
        seen.setdefault(key, where)


def _read_party(item: _Item) -> PartyPlan:
    code = item.text("code", required=True) or ""
    if code and not PARTY_CODE.match(code):
        item.fail("code", f"“{code}” should be capitals, digits and dashes, such as PAK")
    values = _collect(
        item, {"name": lambda: item.text("name"), "kind": lambda: item.choice("kind", Party.Kind)}
    )
    return PartyPlan(where=item.where, code=code, values=values)


def _read_agreement(errors, file_name: str, number: int, data) -> AgreementPlan:
    title = data.get("title") if isinstance(data, dict) else None
    label = f"agreement {number}" + (f" “{title}”" if title else "")
    item = _Item(errors, file_name, label, data, AGREEMENT_KEYS)
    slug = item.text("slug", required=True) or ""
    values = _collect(
        item,
        {
            "title": lambda: item.text("title"),
            "signed_on": lambda: item.date("signed_on"),
            "signed_on_kind": lambda: item.choice("signed_on_kind", Agreement.DateKind),
            "status": lambda: item.choice("status", AgreementStatus),
            "summary": lambda: item.text("summary"),
            "prompt_grace_days": lambda: item.integer(
                "prompt_grace_days", low=1, high=MAX_GRACE_DAYS
            ),
            "score_rule": lambda: item.choice("score_rule", ScoreRule),
        },
    )
    sources = []
    for n, source in enumerate(item.items("sources"), start=1):
        part = _Item(errors, file_name, f"{item.where}, source {n}", source, SOURCE_KEYS)
        sources.append((part.text("title", required=True) or "", _read_source(part)))
    milestones = []
    for n, milestone in enumerate(item.items("milestones"), start=1):
        part = _Item(errors, file_name, f"{item.where}, milestone {n}", milestone, MILESTONE_KEYS)
        milestones.append((part.text("name", required=True) or "", _read_milestone(part)))
    commitments = [
        _read_commitment(errors, file_name, item.where, n, data)
        for n, data in enumerate(item.items("commitments"), start=1)
    ]
    _no_repeats(
        errors,
        file_name,
        "commitment reference",
        [(plan.reference, plan.where) for plan in commitments],
    )
    _no_repeats(errors, file_name, "milestone name", [(name, item.where) for name, _ in milestones])
    holidays = _read_holidays(errors, file_name, item)
    texts = _read_texts(errors, file_name, item)
    return AgreementPlan(
        where=item.where,
        slug=slug,
        values=values,
        parties=item.names("parties"),
        teams=item.names("teams"),
        sources=sources,
        milestones=milestones,
        holidays=holidays,
        commitments=commitments,
        texts=texts,
    )


def _read_source(item: _Item) -> dict:
    return _collect(
        item,
        {
            "kind": lambda: item.choice("kind", Source.Kind),
            "url": lambda: item.text("url"),
            "publisher": lambda: item.text("publisher"),
            "published_on": lambda: item.date("published_on"),
        },
    )


def _read_holidays(errors, file_name: str, item: _Item) -> dict[date, str] | None:
    """The agreement's public holidays, each a date or a mapping {date, name}: all of them
    (those not listed are no longer holidays); left out, unchanged."""
    if not item.has("holidays"):
        return None
    holidays: dict[date, str] = {}
    for n, entry in enumerate(item.items("holidays"), start=1):
        where = f"{item.where}, holiday {n}"
        part = _Item(
            errors, file_name, where, entry if isinstance(entry, dict) else {}, HOLIDAY_KEYS
        )
        if not isinstance(entry, dict):
            part.data = {"date": entry}
        day = part.date("date", required=True)
        if day is None:
            continue
        if day in holidays:
            part.fail("date", f"{day.isoformat()} is listed twice")
            continue
        holidays[day] = part.text("name") or ""
    return holidays


def _read_texts(errors, file_name: str, item: _Item) -> list[tuple[str, dict]]:
    """The agreement's texts, one per language, each matched by its language (added or
    changed; a text not listed is kept)."""
    texts: list[tuple[str, dict]] = []
    for n, entry in enumerate(item.items("texts"), start=1):
        part = _Item(errors, file_name, f"{item.where}, text {n}", entry, TEXT_KEYS)
        language = part.text("language", required=True)
        if language is None:
            continue
        if language not in {code for code, _name in settings.LANGUAGES}:
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            part.fail("language", f"“{language}” is not one of {codes}")
            continue
        if language in {seen for seen, _values in texts}:
            part.fail("language", f"{language} is listed twice")
            continue
        values = _collect(
            part,
            {
                "title": lambda part=part: part.text("title"),
                "text": lambda part=part: part.text("text"),
                "is_authentic": lambda part=part: part.boolean("is_authentic"),
                "source_url": lambda part=part: part.text("source_url"),
            },
        )
        texts.append((language, values))
    return texts


def _read_milestone(item: _Item) -> dict:
    values = _collect(
        item,
        {
            "kind": lambda: item.choice("kind", MilestoneKind),
            "date": lambda: item.date("date"),
            "date_is_estimate": lambda: item.boolean("date_is_estimate"),
            "note": lambda: item.text("note"),
        },
    )
    if values.get("kind") == MilestoneKind.SIGNING:
        item.fail("kind", "the signing follows the agreement's signed_on; leave it out")
    return values


def _read_commitment(errors, file_name: str, parent: str, number: int, data) -> CommitmentPlan:
    reference = data.get("reference") if isinstance(data, dict) else None
    label = f"{parent}, commitment {number}" + (f" (ref {reference})" if reference else "")
    item = _Item(errors, file_name, label, data, COMMITMENT_KEYS)
    values = _collect(
        item,
        {
            "title": lambda: item.text("title"),
            "description": lambda: item.text("description"),
            "theme": lambda: item.choice("theme", Theme),
            "priority": lambda: item.choice("priority", Priority),
            "timeline_wording": lambda: item.text("timeline"),
        },
    )
    history = []
    for n, entry in enumerate(item.items("history"), start=1):
        part = _Item(errors, file_name, f"{item.where}, history {n}", entry, HISTORY_KEYS)
        if not part.has("status"):
            part.fail("status", "is required")
        history.append(
            HistoryPlan(
                where=part.where,
                at=part.moment("at", required=True),
                status=part.choice("status", CommitmentStatus),
                reason=part.text("reason", required=True),
                cites=part.integer("cites", low=1, high=10_000),
                party=part.text("party"),
            )
        )
    evidence = [
        _read_evidence(
            _Item(errors, file_name, f"{item.where}, evidence {n}", entry, EVIDENCE_KEYS)
        )
        for n, entry in enumerate(item.items("evidence"), start=1)
    ]
    extensions = []
    for n, entry in enumerate(item.items("extensions"), start=1):
        part = _Item(errors, file_name, f"{item.where}, extension {n}", entry, EXTENSION_KEYS)
        extensions.append(
            ExtensionPlan(
                where=part.where,
                from_timeline=part.text("from_timeline") or "",
                from_counted_from=part.text("from_counted_from"),
                timeline=part.text("timeline", required=True) or "",
                counted_from=part.text("counted_from"),
                reason=part.text("reason", required=True) or "",
                source_title=part.text("source_title") or "",
                source_url=part.text("source_url") or "",
                recorded_at=part.moment("recorded_at"),
            )
        )
    criteria = []
    for n, entry in enumerate(item.items("criteria"), start=1):
        part = _Item(errors, file_name, f"{item.where}, criterion {n}", entry, CRITERION_KEYS)
        criteria.append(
            CriterionPlan(
                where=part.where,
                text=part.text("text", required=True) or "",
                met_on=part.date("met_on"),
                evidence=part.integer("evidence", low=1, high=10_000),
            )
        )
        if criteria[-1].evidence is not None and criteria[-1].met_on is None:
            part.fail("evidence", "only a criterion met (met_on) cites evidence")
    if extensions and values.get("timeline_wording", extensions[-1].timeline) != (
        extensions[-1].timeline
    ):
        item.fail("timeline", "must be the last extension's timeline")
    return CommitmentPlan(
        where=item.where,
        reference=item.text("reference", required=True) or "",
        values=values,
        responsible=item.names("responsible"),
        counted_from=item.text("counted_from"),
        status=item.choice("status", CommitmentStatus),
        history=history,
        evidence=evidence,
        depends_on=item.names("depends_on"),
        extensions=extensions,
        obligations=_read_obligations(item),
        criteria=criteria,
    )


def _read_obligations(item: _Item) -> dict[str, str] | None:
    """`obligations: {PARTY_CODE: status, ...}`: each party's own status."""
    value = item.data.get("obligations")
    if value is None:
        return None
    if not isinstance(value, dict):
        item.fail("obligations", "should be a mapping of party codes to statuses")
        return None
    part = _Item(item.errors, item.file_name, f"{item.where}, obligations", value, tuple(value))
    statuses = {}
    for code in value:
        if code == WHERE:
            continue
        status = part.choice(code, CommitmentStatus)
        if status is None and not part.has(code):
            part.fail(code, "is required")
        if status is not None:
            statuses[str(code).strip()] = status
    return statuses


def _read_evidence(item: _Item) -> EvidencePlan:
    values = _collect(
        item,
        {
            "summary": lambda: item.text("summary", required=True),
            "occurred_on": lambda: item.date("occurred_on"),
            "source_url": lambda: item.text("source_url"),
            "source_publisher": lambda: item.text("source_publisher"),
            "source_title": lambda: item.text("source_title"),
            "source_date": lambda: item.date("source_date"),
            "quote": lambda: item.text("quote"),
            "stance": lambda: item.choice("stance", Stance),
            "reliability": lambda: item.choice("reliability", Reliability),
            "credibility": lambda: item.integer("credibility", low=1, high=6),
            "logged_at": lambda: item.moment("logged_at"),
        },
    )
    return EvidencePlan(
        where=item.where,
        values=values,
        claimed_by=item.text("claimed_by"),
        concerns_party=item.text("concerns_party"),
        retraction_reason=item.text("retraction_reason"),
        retracted_at=item.moment("retracted_at"),
    )
