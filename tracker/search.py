"""Search across agreements, commitments and evidence the user may see.

PostgreSQL: full-text search (`websearch_to_tsquery`, English stemming) over each table's
stored `search_vector` column, a generated column with a GIN index (migration 0014, which
replaced migration 0010's indexes on the expression; the models do not declare the column).
Agreements and commitments come best match first, ranked among the first RANK_CANDIDATES
matches; evidence newest first. `NewestFirst` reads a page of evidence from the newest
EVIDENCE_PROBE_ROWS pieces of evidence first (when there are that many), then from the
matches of the last EVIDENCE_RECENT, then from all matches, and stops at the first window
that fills the page. SQLite, the embedded default: a plain case-insensitive substring match.
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
from django.db.models.expressions import Expression
from django.utils import timezone

from . import selectors
from .models import Evidence, User

CONFIG = "english"
# The fields searched, per kind: each table's generated `search_vector` column is made of
# them (migration 0014).
FIELDS = {
    "agreements": ("title", "summary"),
    "commitments": ("reference", "title", "description"),
    "evidence": ("summary", "quote", "source_title"),
}


# The newest evidence of a phrase is looked for among the newest EVIDENCE_PROBE_ROWS pieces of
# evidence first, then among the last quarter's, then among all (see `NewestFirst`).
EVIDENCE_PROBE_ROWS = 2000
EVIDENCE_RECENT = timedelta(days=90)
# Agreements and commitments are ranked among at most this many matches: ranking reads every
# match it is given, and a common word matches a tenth of the table.
RANK_CANDIDATES = 500


def search_vector(kind: str) -> SearchVector:
    """The vector as an expression (migration 0010 indexed it; 0014 stores it instead)."""
    return SearchVector(*FIELDS[kind], config=CONFIG)


class StoredVector(Expression):
    """The generated `search_vector` column of the query's own table (which the models do not
    declare), under whatever alias that table has: in a subquery it is not the table's name."""

    output_field = SearchVectorField()

    def __init__(self, *, indexed: bool = True) -> None:
        super().__init__()
        self.indexed = indexed

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = f"{alias}.search_vector"
        # Wrapped, the full-text index cannot serve the match (see NewestFirst).
        return (column if self.indexed else f"COALESCE({column}, ''::tsvector)"), []


def search(user: User, text: str, kind: str) -> QuerySet:
    """Matches of one kind among what `user` may see: agreements and commitments best first
    (the best of the first RANK_CANDIDATES matches the index gives), evidence newest first."""
    base = _visible(user, kind)
    if connection.vendor == "postgresql":
        query = _query(text)
        matches = base.alias(document=StoredVector()).filter(document=query)
        if kind == "evidence":
            # Ordered by an expression, not the column itself: given the column, PostgreSQL
            # may walk the logged_at index and test every row until it has a page, which for
            # two common words never found together is the whole table. (`NewestFirst`
            # walks the index on purpose, over a bounded number of rows.)
            newest = ExpressionWrapper(F("logged_at") + Value(timedelta(0)), DateTimeField())
            return matches.order_by(newest.desc(), "-pk")
        candidates = matches.order_by().values("pk")[:RANK_CANDIDATES]
        rank = SearchRank(StoredVector(), query)
        return base.filter(pk__in=candidates).annotate(rank=rank).order_by("-rank", "-pk")
    match = Q()
    for field in FIELDS[kind]:
        match |= Q(**{f"{field}__icontains": text})
    return base.filter(match).order_by("-logged_at" if kind == "evidence" else "-pk", "-pk")


def _visible(user: User, kind: str) -> QuerySet:
    return {
        "agreements": selectors.agreements_visible_to(user).prefetch_related("parties"),
        "commitments": selectors.commitments_visible_to(user).select_related("agreement"),
        "evidence": selectors.evidence_visible_to(user).select_related("commitment__agreement"),
    }[kind]


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def newest_evidence(user: User, text: str, count: int) -> list:
    """The `count` newest pieces of evidence matching `text` (`NewestFirst`)."""
    return NewestFirst(user, text)[:count]


class NewestFirst:
    """The evidence matching a search, newest first, as a paginator reads it (a count and
    slices). Each slice is looked for among the newest EVIDENCE_PROBE_ROWS pieces of evidence
    first (walking the logged_at index and testing each row, without the full-text index),
    then among the matches of the last quarter, then among all. Each window is a prefix of
    the whole order, so if it holds matches up to the slice's end, its slice is the slice of
    all: a common phrase is then found in a few hundred rows instead of sorting every match
    in the database, and a rare one costs a bounded walk more."""

    def __init__(self, user: User, text: str) -> None:
        self.user, self.text = user, text
        self.matches = search(user, text, "evidence")

    def count(self) -> int:
        return self.matches.count()

    def order_by(self, *fields) -> QuerySet:
        return self.matches.order_by(*fields)

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        if stop is None or connection.vendor != "postgresql":
            return list(self.matches[start:stop])
        found = []
        for window in (self._newest_rows, self._recent, lambda: self.matches):
            matches = window()
            if matches is None:
                continue
            found = list(matches[start:stop])
            if len(found) == stop - start:
                break
        return found

    def _newest_rows(self) -> QuerySet | None:
        """The matches among the newest EVIDENCE_PROBE_ROWS rows, read in index order and each
        tested: the vector is wrapped so that the full-text index cannot be used."""
        newest = Evidence.objects.order_by("-logged_at", "-pk").values_list("logged_at", flat=True)
        bound = next(iter(newest[EVIDENCE_PROBE_ROWS - 1 : EVIDENCE_PROBE_ROWS]), None)
        if bound is None:  # fewer rows than that: the index finds them all as cheaply
            return None
        return (
            _visible(self.user, "evidence")
            .alias(document=StoredVector(indexed=False))
            .filter(document=_query(self.text), logged_at__gte=bound)
            .order_by("-logged_at", "-pk")
        )

    def _recent(self) -> QuerySet:
        return self.matches.filter(logged_at__gte=timezone.now() - EVIDENCE_RECENT)
