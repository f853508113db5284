"""Getting data out: the calendar feed, the JSON export and the API."""

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Sum,
)
from django.utils import timezone

from ..models import (
    Agreement,
    Commitment,
    DeadlineExtension,
    Evidence,
    StatusChange,
    User,
)
from .expressions import open_overdue_flag, with_warnings
from .visibility import agreements_visible_to, commitments_visible_to, evidence_visible_to


def calendar_deadlines(user: User) -> QuerySet[Commitment]:
    """Every visible commitment that has a due date, for the user's calendar feed."""
    return (
        commitments_visible_to(user)
        .filter(due_on__isnull=False)
        .select_related("agreement")
        .prefetch_related("responsible_parties")
        .order_by("due_on", "agreement_id", "sort_key")
    )


def agreement_for_export(agreement: Agreement) -> Agreement:
    """One agreement with everything the import format holds, in a fixed number of queries."""
    evidence = Evidence.objects.select_related("claimed_by").order_by("logged_at", "id")
    changes = StatusChange.objects.select_related("evidence").order_by("changed_at", "id")
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
            Prefetch("extensions", queryset=extensions),
        )
        .order_by("sort_key")
    )
    return (
        Agreement.objects.filter(pk=agreement.pk)
        .prefetch_related(
            "parties",
            "teams",
            "sources",
            "milestones",
            Prefetch("commitments", queryset=commitments),
        )
        .get()
    )


def api_agreements(user: User) -> QuerySet[Agreement]:
    """The API's agreements: visible ones with their restriction (the filters add their
    figures and order: `agreements_filtered`)."""
    restricted = Agreement.teams.through.objects.filter(agreement_id=OuterRef("pk"))
    return agreements_visible_to(user).annotate(is_restricted=Exists(restricted))


def api_commitments(user: User) -> QuerySet[Commitment]:
    """The API's commitments: visible ones with what each row shows, without N+1. The early
    warnings are read for a page at a time (`with_page_warnings`): asked of every row, their
    subqueries would each be planned over the whole table."""
    return (
        commitments_visible_to(user)
        .annotate(is_overdue=open_overdue_flag(probe=True))
        .select_related("agreement", "deadline_milestone")
        .prefetch_related("responsible_parties", "depends_on")
    )


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
        .select_related("commitment__agreement", "logged_by", "retracted_by", "claimed_by")
        .order_by("-logged_at", "-id")
    )


def api_status_changes(user: User) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(commitment__agreement__in=agreements_visible_to(user))
        .select_related("commitment__agreement", "changed_by")
        .order_by("-changed_at", "-id")
    )
