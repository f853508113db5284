"""Getting data out: the calendar feed, the JSON export and the API."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    F,
    Prefetch,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Abs
from django.utils import timezone

from .. import series
from ..db import DaysBetween
from ..ical import Deadline, recurrence_rule
from ..models import (
    Agreement,
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    Obligation,
    StatusChange,
    User,
)
from ..models.commitments import CLOSED_STATUSES
from ..routes import object_url
from .expressions import open_overdue_flag, with_warnings
from .pages import party_codes_by
from .visibility import agreements_visible_to, commitments_visible_to, evidence_visible_to


def calendar_window(today: date) -> tuple[date, date]:
    """The first and last due dates the calendar feed holds (settings CALENDAR_FEED_DAYS_*)."""
    return (
        today - timedelta(days=settings.CALENDAR_FEED_DAYS_BEFORE),
        today + timedelta(days=settings.CALENDAR_FEED_DAYS_AFTER),
    )


def _calendar_commitments(user: User, today: date) -> QuerySet[Commitment]:
    return commitments_visible_to(user).filter(due_on__range=calendar_window(today))


def calendar_deadlines(user: User, *, today: date, limit: int) -> list[Deadline]:
    """The visible commitments due within the calendar's window, the `limit` nearest to
    today first (of two as near, the earlier: overdue before upcoming), in two queries: the
    rows as tuples, then the responsible parties' codes of all of them."""
    distance = Abs(DaysBetween(F("due_on"), Value(today)))
    rows = list(
        _calendar_commitments(user, today)
        .order_by(distance, "due_on", "pk")
        .values_list(
            "pk",
            "due_on",
            "reference",
            "title",
            "status",
            "theme",
            "timeline_wording",
            "updated_at",
            "agreement__title",
            "deadline_milestone__date",
            "agreement__signed_on",
        )[:limit]
    )
    through = Commitment.responsible_parties.through
    codes = party_codes_by(through, "commitment_id", [row[0] for row in rows]) if rows else {}
    return [
        Deadline(
            *row[:9],
            parties=tuple(codes.get(row[0], ())),
            path=object_url("tracker:commitment-detail", row[0]),
            **_calendar_recurrence(*row),
        )
        for row in rows
    ]


def _calendar_recurrence(
    pk, due_on, reference, title, status, theme, wording, updated, agreement, milestone_on, signed
) -> dict:
    """An open recurring commitment's reading, period owed and RRULE (`ical.Deadline`)."""
    recurrence = series.recurrence_with_periods(wording)
    if recurrence is None or status in CLOSED_STATUSES:
        return {}
    anchor = milestone_on or signed
    return {
        "recurrence": series.recurring_timeline(wording).describe(),
        "period": series.owed_label(wording, anchor, due_on),
        "rrule": recurrence_rule(recurrence, recurrence.starts_on or anchor),
    }


def calendar_exceeds(user: User, *, today: date, limit: int) -> bool:
    """More than `limit` visible commitments are due within the calendar's window (the
    calendar page says the feed is cut); reads at most `limit` + 1 rows."""
    return _calendar_commitments(user, today).order_by()[limit : limit + 1].exists()


def agreement_for_export(agreement: Agreement) -> Agreement:
    """One agreement with everything the import format holds, in a fixed number of queries."""
    return agreements_for_export(Agreement.objects.filter(pk=agreement.pk)).get()


def agreements_for_export(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Agreements with everything the import format holds: a fixed number of queries however
    many they are (the open dataset reads every public agreement so)."""
    evidence = Evidence.objects.select_related("claimed_by", "concerns_party").order_by(
        "logged_at", "id"
    )
    changes = StatusChange.objects.select_related("evidence", "party").order_by("changed_at", "id")
    obligations = Obligation.objects.select_related("party").order_by("party__code")
    extensions = DeadlineExtension.objects.select_related(
        "previous_milestone", "new_milestone"
    ).order_by("recorded_at", "id")
    commitments = (
        Commitment.objects.select_related("deadline_milestone")
        .prefetch_related(
            "responsible_parties",
            Prefetch("depends_on", queryset=Commitment.objects.order_by("sort_key")),
            Prefetch("evidence", queryset=evidence),
            Prefetch("status_changes", queryset=changes),
            Prefetch("obligations", queryset=obligations),
            Prefetch("extensions", queryset=extensions),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")),
        )
        .order_by("sort_key")
    )
    return agreements.prefetch_related(
        "parties",
        "teams",
        "sources",
        "milestones",
        "holidays",
        "texts",
        Prefetch("commitments", queryset=commitments),
    )


def api_agreements(user: User) -> QuerySet[Agreement]:
    """The API's agreements: visible ones (the filters add their figures and order:
    `agreements_filtered`); their restriction is the column the teams' triggers keep."""
    return agreements_visible_to(user)


def api_commitments(user: User) -> QuerySet[Commitment]:
    """The API's commitments: visible ones with what each row shows, without N+1. The early
    warnings are read for a page at a time (`with_page_warnings`): asked of every row, their
    subqueries would each be planned over the whole table."""
    return (
        commitments_visible_to(user)
        .annotate(is_overdue=open_overdue_flag(probe=True))
        .select_related("agreement", "deadline_milestone")
    )


def with_page_rows(commitments: list[Commitment]) -> list[Commitment]:
    """What an API page of `api_commitments` shows besides its columns: the early warnings
    (`with_page_warnings`), then each commitment's `obligation_rows` (party code, status,
    version; by party name) and `prerequisite_references` (in the commitments' order).
    Read as value rows, two queries as `prefetch_related` made, without its per-row
    managers, querysets and model instances (a third of the list's Python work)."""
    with_page_warnings(commitments)
    ids = [c.pk for c in commitments]
    obligations: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for commitment_id, *row in (
        Obligation.objects.filter(commitment_id__in=ids)
        .order_by("party__name")
        .values_list("commitment_id", "party__code", "status", "version")
    ):
        obligations[commitment_id].append(tuple(row))
    prerequisites: dict[int, list[str]] = {pk: [] for pk in ids}
    for commitment_id, reference in (
        Commitment.depends_on.through.objects.filter(from_commitment_id__in=ids)
        .order_by(*[f"to_commitment__{name}" for name in Commitment._meta.ordering])
        .values_list("from_commitment_id", "to_commitment__reference")
    ):
        prerequisites[commitment_id].append(reference)
    for commitment in commitments:
        commitment.obligation_rows = obligations[commitment.pk]
        commitment.prerequisite_references = prerequisites[commitment.pk]
    return commitments


def api_commitments_to_write(user: User) -> QuerySet[Commitment]:
    """The commitments the API's writes may act on: visible ones, each row with its
    agreement (the answers name it). Not what `api_commitments` adds for the list and the
    detail (the overdue flag, the parties, the prerequisites): a write neither reads nor
    answers with them."""
    return commitments_visible_to(user).select_related("agreement")


def commitments_visible_count(user: User) -> int:
    """How many commitments `user` may see, from the counts kept on each agreement."""
    total = agreements_visible_to(user).aggregate(total=Sum("commitment_count"))["total"]
    return total or 0


def with_page_warnings(commitments: list[Commitment]) -> list[Commitment]:
    """Set `is_at_risk`, `is_stale` and `is_blocked` on these commitments, in one query."""
    flags = {
        row[0]: row[1:]
        for row in with_warnings(
            Commitment.objects.filter(pk__in=[c.pk for c in commitments]),
            today=timezone.localdate(),
            now=timezone.now(),
        ).values_list("pk", "is_at_risk", "is_stale", "is_blocked")
    }
    for commitment in commitments:
        commitment.is_at_risk, commitment.is_stale, commitment.is_blocked = flags[commitment.pk]
    return commitments


def api_evidence(user: User) -> QuerySet[Evidence]:
    return (
        evidence_visible_to(user)
        .select_related(
            "commitment__agreement", "logged_by", "retracted_by", "claimed_by", "concerns_party"
        )
        .order_by("-logged_at", "-id")
    )


def api_status_changes(user: User) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(commitment__agreement__in=agreements_visible_to(user))
        .select_related("commitment__agreement", "changed_by", "party")
        .order_by("-changed_at", "-id")
    )
