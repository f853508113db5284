"""The audit trail: who created, changed or deleted what, when, with the values before and
after, read from django-simple-history's tables.

Saves are recorded by simple-history itself; the services that write with a conditional
`UPDATE` (status changes, retractions) and `bulk_update` (due dates) add their records
explicitly, and the overdue scan's own record is its `OverdueFlag` rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from .models import Commitment, Criterion, Evidence, Obligation

IGNORED = {"updated_at", "sort_key", "version", "created_at"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    subject: str
    action: str
    reason: str
    changes: list[FieldChange]


def commitment_audit_trail(commitment: Commitment, *, limit: int = 100) -> list[AuditEntry]:
    """The commitment's, each party's status on it, its evidence's and its completion
    criteria's recorded changes, newest first, in six queries."""
    records = list(
        commitment.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :limit
        ]
    )
    parties_of = _responsible_parties_by_record(records)
    evidence_records = list(
        Evidence.history.filter(commitment_id=commitment.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    criterion_records = list(
        Criterion.history.filter(commitment_id=commitment.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    obligation_records = list(
        Obligation.history.filter(commitment_id=commitment.pk)
        .select_related("history_user", "party")
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = _entries(records, "Commitment", parties_of)
    entries += _entries(obligation_records, "Obligation", {})
    entries += _entries(evidence_records, "Evidence", {})
    entries += _entries(criterion_records, "Criterion", {})
    # Stable, so records written in the same instant keep their newest-first order.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _responsible_parties_by_record(records: list) -> dict[int, str]:
    """Each historical commitment's responsible parties as codes, in one query."""
    if not records:
        return {}
    through = apps.get_model("tracker", "HistoricalCommitment_responsible_parties")
    codes: dict[int, list[str]] = {record.history_id: [] for record in records}
    rows = (
        through.objects.filter(history_id__in=list(codes))
        .order_by("party__code")
        .values_list("history_id", "party__code")
    )
    for history_id, code in rows:
        codes[history_id].append(code)
    return {history_id: ", ".join(values) or "—" for history_id, values in codes.items()}


def _entries(records: list, subject: str, parties_of: dict[int, str]) -> list[AuditEntry]:
    """Each record against the one before it of the same object; records come, and entries
    go, newest first."""
    _carry_parties_forward(records, parties_of)
    entries = []
    previous_of = {}
    for record in reversed(records):
        before = previous_of.get(record.id)
        changes = []
        if before is not None and record.history_type == "~":
            changes = _changes(record, before, parties_of)
        previous_of[record.id] = record
        user = record.history_user
        entries.append(
            AuditEntry(
                at=record.history_date,
                who=user.get_username() if user else "system",
                subject=f"{subject} {_name(record, subject)}",
                action=ACTIONS[record.history_type],
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    entries.reverse()
    return entries


def _name(record, subject: str) -> str:
    """The reference of a commitment, the party of an obligation, else the id."""
    if subject == "Commitment":
        return record.reference
    if subject == "Obligation":
        return record.party.code
    return str(record.id)


def _carry_parties_forward(records: list, parties_of: dict[int, str]) -> None:
    """Records written in bulk (a due date recomputed, a status changed) carry no party rows:
    their parties are those of the record before."""
    previous = {}
    for record in reversed(records):
        if record.history_id in parties_of:
            if parties_of[record.history_id] == "—" and record.history_type == "~":
                parties_of[record.history_id] = previous.get(record.id, "—")
            previous[record.id] = parties_of[record.history_id]


def _changes(record, before, parties_of: dict[int, str]) -> list[FieldChange]:
    """Field by field, as stored (simple-history's own diff skips non-editable fields such
    as the computed due date)."""
    m2m = {field.name for field in record._history_m2m_fields}
    changes = [
        FieldChange(
            field=_label(record, field.name),
            old=_show(record, field.name, getattr(before, field.attname)),
            new=_show(record, field.name, getattr(record, field.attname)),
        )
        for field in record.tracked_fields
        if field.name not in m2m | IGNORED
        and getattr(before, field.attname) != getattr(record, field.attname)
    ]
    if parties_of and parties_of[record.history_id] != parties_of[before.history_id]:
        changes.append(
            FieldChange(
                field=_label(record, "responsible_parties"),
                old=parties_of[before.history_id],
                new=parties_of[record.history_id],
            )
        )
    return changes


def _label(record, field: str) -> str:
    return str(record.instance_type._meta.get_field(field).verbose_name)


def _show(record, field: str, value) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(record.instance_type._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))
