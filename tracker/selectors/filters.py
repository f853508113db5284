"""The filters and sort orders of the lists, one meaning each wherever they are asked for: the
agreements list and the API's agreements (`agreements_filtered`), the agreement page's
commitments table and the API's commitments (`commitments_filtered`). Forms and API filters
take their sort choices from here."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Agreement, Commitment
from ..models.commitments import OPEN_STATUSES
from .expressions import PRIORITY_RANK, open_overdue_flag, warning_filter, with_agreement_stats


@dataclass(frozen=True)
class Sort:
    label: str
    order: tuple


# Each ends with the primary key, so that pages neither repeat nor skip a row.
AGREEMENT_SORTS = {
    "-signed": Sort(_("Newest first"), ("-signed_on", "title", "pk")),
    "signed": Sort(_("Oldest first"), ("signed_on", "title", "pk")),
    "title": Sort(_("Title"), ("title", "pk")),
    "-score": Sort(
        _("Score, highest first"), (F("score_value").desc(nulls_last=True), "title", "pk")
    ),
    "score": Sort(_("Score, lowest first"), (F("score_value").asc(nulls_last=True), "title", "pk")),
    "-overdue": Sort(_("Most overdue"), ("-overdue_count", "title", "pk")),
}
COMMITMENT_SORTS = {
    "reference": Sort(_("Reference"), ("agreement_id", "sort_key", "pk")),
    "due": Sort(_("Due date, soonest first"), (F("due_on").asc(nulls_last=True), "sort_key", "pk")),
    "-due": Sort(
        _("Due date, latest first"), (F("due_on").desc(nulls_last=True), "sort_key", "pk")
    ),
    "status": Sort(_("Status"), ("status", "sort_key", "pk")),
    "priority": Sort(
        _("Priority"), (PRIORITY_RANK, F("due_on").asc(nulls_last=True), "sort_key", "pk")
    ),
    "title": Sort(_("Title"), ("title", "sort_key", "pk")),
}


def sort_choices(sorts: dict[str, Sort]) -> list[tuple[str, str]]:
    """A form's or an API filter's choices for these sorts (the first is the default)."""
    return [(name, sort.label) for name, sort in sorts.items()]


def agreements_filtered(
    agreements: QuerySet[Agreement], *, today: date, filters: dict
) -> QuerySet[Agreement]:
    """Agreements (those a user may see) filtered (`q` in the title or summary, `party` by
    code, `status`) and sorted (`sort`, one of AGREEMENT_SORTS), with their figures and
    parties."""
    if "q" in filters:
        agreements = agreements.filter(
            Q(title__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
        )
    if "party" in filters:
        agreements = agreements.filter(parties__code=filters["party"])
    if "status" in filters:
        agreements = agreements.filter(status=filters["status"])
    sort = AGREEMENT_SORTS[filters.get("sort") or next(iter(AGREEMENT_SORTS))]
    return (
        with_agreement_stats(agreements, today=today)
        .prefetch_related("parties")
        .order_by(*sort.order)
    )


def commitments_filtered(
    commitments: QuerySet[Commitment], *, today: date, filters: dict
) -> QuerySet[Commitment]:
    """The commitment filters the pages and the API share, and their sort. `overdue` is
    "yes"/"no" (the open overdue flag); `due_within` is N days: open and due from today to
    today + N; `sort` is one of COMMITMENT_SORTS (by reference when absent)."""
    if "q" in filters:
        text = filters["q"]
        commitments = commitments.filter(
            Q(title__icontains=text) | Q(reference__icontains=text) | Q(description__icontains=text)
        )
    if "agreement" in filters:
        commitments = commitments.filter(agreement__slug=filters["agreement"])
    if "status" in filters:
        commitments = commitments.filter(status=filters["status"])
    if "party" in filters:
        commitments = commitments.filter(responsible_parties__code=filters["party"])
    if "theme" in filters:
        commitments = commitments.filter(theme=filters["theme"])
    if "priority" in filters:
        commitments = commitments.filter(priority=filters["priority"])
    if "overdue" in filters:
        flagged = Q(open_overdue_flag())
        commitments = commitments.filter(flagged if filters["overdue"] == "yes" else ~flagged)
    if "warning" in filters:
        commitments = commitments.filter(
            warning_filter(filters["warning"], today=today, now=timezone.now())
        )
    if "due_within" in filters:
        commitments = commitments.filter(
            status__in=OPEN_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=filters["due_within"]),
        )
    sort = COMMITMENT_SORTS[filters.get("sort") or next(iter(COMMITMENT_SORTS))]
    return commitments.order_by(*sort.order)
