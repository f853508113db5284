"""Reads for the drafting page: the agreements a new draft may duplicate.

Titles are compared with rapidfuzz's `token_sort_ratio` (word order and case ignored, after
`rapidfuzz.utils.default_process` drops punctuation), so "Pakistan–Afghanistan border
agreement" and "Border agreement, Pakistan and Afghanistan" match while a title that only
shares the parties' names does not.
"""

from collections.abc import Sequence

from django.db.models import Count, Q
from rapidfuzz import fuzz, utils

from ..models import Agreement, Party, User
from .visibility import agreements_visible_to

SIMILAR_TITLE = 85  # token_sort_ratio out of 100: near-identical, not merely on the same topic
MAX_CANDIDATES = 500  # agreements with the same parties compared in Python, newest first


def agreements_like(user: User, *, title: str, parties: Sequence[Party]) -> list[Agreement]:
    """The agreements `user` may see whose parties are exactly `parties` (matched by code or
    by name, as saving a draft matches them) and whose title is near-identical to `title`,
    most alike first. One query for the agreements, whatever their number (and the user's
    role when it has not been read); never an agreement hidden from `user`."""
    codes = {party.code for party in parties}
    names = {party.name for party in parties}
    if len(codes) < 2 or not title.strip():
        return []
    same_parties = Q(parties__code__in=codes) | Q(parties__name__in=names)
    candidates = (
        agreements_visible_to(user)
        .annotate(
            party_count=Count("parties", distinct=True),
            matched=Count("parties", filter=same_parties, distinct=True),
        )
        .filter(party_count=len(codes), matched=len(codes))
        .only("pk", "title", "slug")
        .order_by("-pk")[:MAX_CANDIDATES]
    )
    scored = [
        (fuzz.token_sort_ratio(title, agreement.title, processor=utils.default_process), agreement)
        for agreement in candidates
    ]
    alike = [(score, agreement) for score, agreement in scored if score >= SIMILAR_TITLE]
    return [agreement for _, agreement in sorted(alike, key=lambda pair: -pair[0])]
