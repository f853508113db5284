"""Search across agreements, commitments and evidence the user may see.

PostgreSQL: full-text search (`websearch_to_tsquery`, English stemming) over GIN indexes built
on the same expressions (migration 0010); agreements and commitments best match first,
evidence newest first. SQLite, the embedded default: a plain
case-insensitive substring match.
"""

from datetime import timedelta

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import selectors
from .models import User

CONFIG = "english"
# The fields searched, per kind: each table's generated `search_vector` column is made of
# them (migration 0014).
FIELDS = {
    "agreements": ("title", "summary"),
    "commitments": ("reference", "title", "description"),
    "evidence": ("summary", "quote", "source_title"),
}


# The newest evidence of a common phrase is looked for among the last week's first, then the
# last quarter's, then all (see `newest_evidence`).
EVIDENCE_WINDOWS = (timedelta(days=7), timedelta(days=90), None)


def search_vector(kind: str) -> SearchVector:
    """The vector as an expression (migration 0010 indexed it; 0014 stores it instead)."""
    return SearchVector(*FIELDS[kind], config=CONFIG)


def stored_vector(model) -> RawSQL:
    """The table's generated `search_vector` column, which the models do not declare."""
    return RawSQL(f'"{model._meta.db_table}"."search_vector"', [], SearchVectorField())


def search(user: User, text: str, kind: str) -> QuerySet:
    """Matches of one kind, best first, among what `user` may see."""
    base = {
        "agreements": selectors.agreements_visible_to(user).prefetch_related("parties"),
        "commitments": selectors.commitments_visible_to(user).select_related("agreement"),
        "evidence": selectors.evidence_visible_to(user).select_related("commitment__agreement"),
    }[kind]
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        matches = base.alias(document=stored_vector(base.model)).filter(document=query)
        if kind == "evidence":
            # Newest first: ranking would read every match (a common word matches a hundred
            # thousand among a million), where the GIN index alone finds them. Ordered by an
            # expression, not the column itself: given the column, PostgreSQL may walk the
            # logged_at index and test every row until it has a page, which for two common
            # words never found together is the whole table (6 s at a million).
            newest = ExpressionWrapper(F("logged_at") + Value(timedelta(0)), DateTimeField())
            return matches.order_by(newest.desc(), "-pk")
        rank = SearchRank(stored_vector(base.model), query)
        return matches.annotate(rank=rank).order_by("-rank", "-pk")
    match = Q()
    for field in FIELDS[kind]:
        match |= Q(**{f"{field}__icontains": text})
    return base.filter(match).order_by("-logged_at" if kind == "evidence" else "-pk", "-pk")


def newest_evidence(user: User, text: str, count: int) -> list:
    """The `count` newest pieces of evidence matching `text` (`NewestFirst`)."""
    return NewestFirst(search(user, text, "evidence"))[:count]


class NewestFirst:
    """The evidence matching a search, newest first, as a paginator reads it (a count and
    slices), each slice looked for among the last week's matches first, then the last
    quarter's, then all. If a window holds matches up to the slice's end, its slice is the
    same as the slice of all of them: a common phrase is then sorted from a week's matches
    instead of from every match in the database (0.16 s for 100,000 among a million). A rare
    one costs a few index lookups more."""

    def __init__(self, matches: QuerySet) -> None:
        self.matches = matches

    def count(self) -> int:
        return self.matches.count()

    def order_by(self, *fields) -> QuerySet:
        return self.matches.order_by(*fields)

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        now = timezone.now()
        for window in EVIDENCE_WINDOWS:
            recent = self.matches
            if window is not None:
                recent = recent.filter(logged_at__gte=now - window)
            found = list(recent[start:stop])
            if stop is not None and len(found) == stop - start:
                break
        return found
