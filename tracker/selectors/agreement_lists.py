"""The short lists the agreement page shows of its agreement (parties, milestones, public
holidays, sources, assessment rounds, texts), read in the agreement's own query: a query of
each cost the page more to build than to run."""

from django.db.models import QuerySet

from ..db import RelatedRows, rows_as_instances
from ..models import (
    Agreement,
    AgreementText,
    AssessmentRound,
    Holiday,
    Milestone,
    Party,
    Source,
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
