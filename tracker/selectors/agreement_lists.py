"""The short lists the agreement page shows of its agreement (parties, milestones, public
holidays, sources, assessment rounds, texts), and the rows its summary counts, read in the
agreement's own query: a query of each cost the page more to build than to run."""

from datetime import date

from django.db.models import QuerySet

from ..db import CommitmentRows, RelatedRows, json_moment, rows_as_instances
from ..models import (
    Agreement,
    AgreementText,
    AssessmentRound,
    Commitment,
    Holiday,
    Milestone,
    Obligation,
    Party,
    Source,
    StatusChange,
)

# Each list: its model and the fields the page shows of it (a round: its link and state,
# not its snapshot, the whole agreement as of its cut-off).
AGREEMENT_LISTS = {
    "parties": (Party, ("id", "name", "code", "kind")),
    "milestones": (Milestone, ("id", "kind", "name", "date", "date_is_estimate")),
    "holidays": (Holiday, ("id", "date", "name")),
    "sources": (Source, ("id", "kind", "title", "url", "publisher", "published_on")),
    "rounds": (AssessmentRound, ("id", "number", "state")),
    "texts": (
        AgreementText,
        ("id", "language", "title", "text", "is_authentic", "source_url"),
    ),
}


def with_agreement_lists(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Each agreement with its lists as JSON rows (`<name>_rows`), for `agreement_lists`."""
    return agreements.annotate(
        **{
            f"{name}_rows": RelatedRows(
                "pk",
                model=model,
                key="agreement",
                fields=fields,
                through=Agreement.parties.through if model is Party else None,
            )
            for name, (model, fields) in AGREEMENT_LISTS.items()
        }
    )


def agreement_lists(agreement: Agreement) -> dict[str, list]:
    """The lists `with_agreement_lists` read, as instances in each model's order, each but
    the parties pointing at the agreement (a round's link names its slug)."""
    lists = {}
    for name, (model, fields) in AGREEMENT_LISTS.items():
        items = rows_as_instances(model, fields, getattr(agreement, f"{name}_rows"))
        if model is not Party:
            for item in items:
                item.agreement = agreement
        lists[name] = items
    return lists


# The rows the summary counts (`agreement_page.agreement_summary`): the commitments (the fields of
# `pages.SummaryCommitment`), every obligation with its party's code and name, every status
# change in time order.
SUMMARY_ROWS = {
    "commitments": lambda: RelatedRows(
        "pk",
        model=Commitment,
        key="agreement",
        fields=("id", "reference", "title", "theme", "status", "due_on", "is_verifiable"),
    ),
    "obligations": lambda: CommitmentRows(
        "pk",
        model=Obligation,
        fields=("commitment", "party", "status"),
        party_fields=("code", "name"),
        order=("id",),
    ),
    "changes": lambda: CommitmentRows(
        "pk",
        model=StatusChange,
        fields=("commitment", "party", "changed_at", "from_status", "to_status"),
    ),
}


def with_summary_rows(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Each agreement with the rows its summary counts (`summary_<name>_rows`), for
    `summary_rows`."""
    return agreements.annotate(
        **{f"summary_{name}_rows": rows() for name, rows in SUMMARY_ROWS.items()}
    )


def summary_rows(agreement: Agreement) -> dict[str, list[tuple]]:
    """The rows `with_summary_rows` read, as tuples of the fields named there, dates and times
    made so; for an agreement read without them, read in one query of their own."""
    names = [f"summary_{name}_rows" for name in SUMMARY_ROWS]
    if hasattr(agreement, names[0]):
        read = [getattr(agreement, name) for name in names]
    else:
        agreements = with_summary_rows(Agreement.objects.filter(pk=agreement.pk))
        read = agreements.values_list(*names).get()
    commitments, obligations, changes = (rows or [] for rows in read)
    return {
        "commitments": [
            (*row[:5], date.fromisoformat(row[5]) if row[5] else None, bool(row[6]))
            for row in commitments
        ],
        "obligations": [tuple(row) for row in obligations],
        "changes": [(*row[:2], json_moment(row[2]), *row[3:]) for row in changes],
    }
