"""Search across agreements, commitments and evidence the user may see.

PostgreSQL: full-text search (`websearch_to_tsquery`, English stemming) over GIN indexes built
on the same expressions (migration 0010); agreements and commitments best match first,
evidence newest first. SQLite, the embedded default: a plain
case-insensitive substring match.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value

from . import selectors
from .models import User

CONFIG = "english"
# The fields searched, per kind; the GIN indexes are built on exactly these vectors.
FIELDS = {
    "agreements": ("title", "summary"),
    "commitments": ("reference", "title", "description"),
    "evidence": ("summary", "quote", "source_title"),
}


def search_vector(kind: str) -> SearchVector:
    return SearchVector(*FIELDS[kind], config=CONFIG)


def search(user: User, text: str, kind: str) -> QuerySet:
    """Matches of one kind, best first, among what `user` may see."""
    base = {
        "agreements": selectors.agreements_visible_to(user).prefetch_related("parties"),
        "commitments": selectors.commitments_visible_to(user).select_related("agreement"),
        "evidence": selectors.evidence_visible_to(user).select_related("commitment__agreement"),
    }[kind]
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        vector = search_vector(kind)
        matches = base.annotate(document=vector).filter(document=query)
        if kind == "evidence":
            # Newest first: ranking would rebuild the text vector of every match (a common
            # word matches thousands among a million), where the GIN index alone finds them.
            # Ordered by an expression, not the column itself: given the column, PostgreSQL
            # walks the logged_at index and tests every row's text until it has a page, which
            # for a word nothing contains is the whole table (15 s at a million).
            newest = ExpressionWrapper(F("logged_at") + Value(timedelta(0)), DateTimeField())
            return matches.order_by(newest.desc(), "-pk")
        return matches.annotate(rank=SearchRank(vector, query)).order_by("-rank", "-pk")
    match = Q()
    for field in FIELDS[kind]:
        match |= Q(**{f"{field}__icontains": text})
    return base.filter(match).order_by("-logged_at" if kind == "evidence" else "-pk", "-pk")
