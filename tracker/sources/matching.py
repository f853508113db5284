"""Which open commitments a new item bears on, and why (the words both share).

One query per item finds the candidates: on PostgreSQL, full-text search (the words of the
item's title and lead, its first `QUERY_TEXT` characters, OR'd into one `tsquery`) over the
commitments' stored, GIN-indexed `search_vector` (title, reference and description, English
stemming) and over their keyword lists in the source's language, among the open commitments
of the source's agreements, best ranked first (`CANDIDATES`); in other languages the
commitments' text is read with that language's configuration instead of the stored English
vector. On SQLite (the embedded default) the candidates are every open commitment of those
agreements, up to `SQLITE_CANDIDATES`.

Then each candidate is scored in Python, the same on both databases: how much of the
commitment's title the item covers (words weighted by how rare they are among the
candidates, after a light stemming), the fuzzy likeness of the two titles (rapidfuzz's
`token_set_ratio`, for near-miss wording), the rest of its text and party names, and whether
one of its keyword phrases occurs whole. An item is proposed for the best candidates above
`THRESHOLD` (at most `PER_ITEM`, each within `RELATIVE` of the best).
"""

import math
import re
from dataclasses import dataclass

from django.db import connection
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..models import Commitment, CommitmentKeywords
from ..models.commitments import CLOSED_STATUSES
from ..models.sources import FTS_CONFIGS, Language
from ..services import Match

CANDIDATES = 50
SQLITE_CANDIDATES = 5_000
ITEM_TEXT = 5_000  # characters of an item (title, excerpt, page) that the score reads
# Characters that retrieval ORs into its query (the title and the lead): each more word
# matches more commitments, which the ranking then reads.
QUERY_TEXT = 1_000
THRESHOLD = 0.38
RELATIVE = 0.8
PER_ITEM = 2
SHOWN_WORDS = 12
CLOSED = [str(status) for status in CLOSED_STATUSES]

WORD = re.compile(r"[^\W\d_]{3,}")
STOPWORDS = frozenset(
    """about above after again against all also and any are because been before being below
    between both but can could did does doing down during each few for from further had has
    have having her here hers him his how into its itself just more most not now off once
    only other our ours out over own same she should some such than that the their theirs
    them then there these they this those through too under until very was were what when
    where which while who whom why will with would you your yours said says new week year
    years today yesterday told according announced statement officials official
    les des une dans pour par sur avec aux est sont qui que ont été cette ces""".split()  # noqa: SIM905 (a word list reads better as text)
)
SUFFIXES = (
    "isations",
    "izations",
    "isation",
    "ization",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "es",
    "ed",
    "er",
    "s",
    "e",
    "y",
)


def stem(word: str) -> str:
    """A light, language-blind stemming: 'patrols' and 'patrol', 'exercises' and 'exercise',
    'radicalisation' and 'radical' meet."""
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith("ss"):
                continue
            return word[: -len(suffix)]
    return word


def terms(text: str) -> dict[str, str]:
    """Stem → the first word of `text` that gave it, stop words left out."""
    found: dict[str, str] = {}
    for word in WORD.findall(text):
        if word.lower() in STOPWORDS:
            continue
        found.setdefault(stem(word), word)
    return found


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    text: str  # description and party names
    keywords: tuple[str, ...]


class Matcher:
    """Matches the items of one source: on PostgreSQL one query per item; on SQLite the
    agreements' open commitments are read once, on the first item."""

    def __init__(self, *, agreement_ids: list[int], language: str = Language.EN) -> None:
        self.agreement_ids = list(agreement_ids)
        self.language = language
        self._pool: list[Candidate] | None = None

    def match(self, *, title: str, text: str) -> list[Match]:
        """The commitments an item (its title and its text) should be proposed for."""
        if not self.agreement_ids:
            return []
        item_text = f"{title}\n{text}"[:ITEM_TEXT]
        if connection.vendor == "postgresql":
            candidates = _postgresql_candidates(
                item_text[:QUERY_TEXT], self.agreement_ids, self.language
            )
        else:
            if self._pool is None:
                self._pool = _plain_candidates(self.agreement_ids)
            candidates = self._pool
        return score_candidates(title=title, item_text=item_text, candidates=candidates)


def score_candidates(*, title: str, item_text: str, candidates: list[Candidate]) -> list[Match]:
    item = terms(item_text)
    if not candidates or not item:
        return []
    shapes = [_shape(candidate) for candidate in candidates]
    frequency: dict[str, int] = {}
    for _, every, _ in shapes:
        for term in every:
            frequency[term] = frequency.get(term, 0) + 1
    pool = len(candidates)

    def weight(term: str) -> float:
        return math.log(1 + pool / frequency.get(term, 1))

    scored = []
    lowered = item_text.lower()
    for candidate, (title_terms, every, phrases) in zip(candidates, shapes, strict=True):
        matched = every.keys() & item.keys()
        if not matched:
            continue
        title_weight = sum(weight(term) for term in title_terms) or 1.0
        covered = sum(weight(term) for term in title_terms.keys() & matched) / title_weight
        rest = sum(weight(term) for term in matched - title_terms.keys())
        likeness = fuzz.token_set_ratio(title, candidate.title, processor=default_process) / 100
        keyword = any(phrase in lowered for phrase in phrases)
        score = 0.55 * covered + 0.25 * likeness + 0.2 * min(1.0, rest / 4) + 0.3 * keyword
        words = [item[term] for term in sorted(matched, key=lambda t: -weight(t))]
        scored.append((score, candidate.id, words[:SHOWN_WORDS]))
    if not scored:
        return []
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    best = scored[0][0]
    return [
        Match(commitment_id=commitment_id, score=score, matched_words=words)
        for score, commitment_id, words in scored[:PER_ITEM]
        if score >= THRESHOLD and score >= RELATIVE * best
    ]


def _shape(candidate: Candidate) -> tuple[dict, dict, list[str]]:
    title_terms = terms(candidate.title)
    phrases = [
        phrase.strip().lower() for phrase in candidate.keywords for phrase in phrase.split(",")
    ]
    phrases = [phrase for phrase in phrases if len(phrase) >= 3]
    every = terms(" ".join([candidate.title, candidate.text, *phrases])) | title_terms
    return title_terms, every, phrases


_PARTIES = """(SELECT string_agg(p.name || ' ' || p.code, ' ')
    FROM tracker_commitment_responsible_parties r JOIN tracker_party p ON p.id = r.party_id
    WHERE r.commitment_id = c.id)"""
_KEYWORDS = """(SELECT string_agg(k.words, ',') FROM tracker_commitmentkeywords k
    WHERE k.commitment_id = c.id AND k.language = %(language)s)"""
# The item's words as one OR query: plainto_tsquery stems them and drops stop words, and its
# text form, 'a' & 'b', becomes 'a' | 'b' without stemming them again.
_QUERY = """WITH q AS (SELECT replace(plainto_tsquery(%(config)s::regconfig, %(text)s)::text,
    ' & ', ' | ')::tsquery AS query)"""


def _postgresql_candidates(
    item_text: str, agreement_ids: list[int], language: str
) -> list[Candidate]:
    config = FTS_CONFIGS.get(language, "simple")
    if config == "english":
        # The stored vector and its GIN index (migration 0014).
        vector = "c.search_vector"
    else:
        vector = "to_tsvector(%(config)s::regconfig, c.title || ' ' || c.description)"
    sql = f"""{_QUERY}
    SELECT c.id, c.title, c.description || ' ' || coalesce({_PARTIES}, ''), {_KEYWORDS}
    FROM tracker_commitment c, q
    WHERE c.agreement_id = ANY(%(agreements)s) AND NOT c.status = ANY(%(closed)s)
      AND numnode(q.query) > 0
      AND ({vector} @@ q.query OR c.id IN (
        SELECT k.commitment_id FROM tracker_commitmentkeywords k
        WHERE k.language = %(language)s
          AND to_tsvector(%(config)s::regconfig, k.words) @@ q.query))
    ORDER BY ts_rank_cd({vector}, q.query) DESC, c.id
    LIMIT %(limit)s"""
    params = {
        "config": config,
        "text": item_text,
        "agreements": list(agreement_ids),
        "closed": CLOSED,
        "language": language,
        "limit": CANDIDATES,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Candidate(id=row[0], title=row[1], text=row[2], keywords=(row[3],) if row[3] else ())
        for row in rows
    ]


def _plain_candidates(agreement_ids: list[int]) -> list[Candidate]:
    """SQLite: every open commitment of the agreements, with its parties and keywords (three
    queries, made once per source by `Matcher`)."""
    commitments = (
        Commitment.objects.filter(agreement_id__in=agreement_ids)
        .exclude(status__in=CLOSED)
        .order_by("id")
        .values_list("id", "title", "description")[:SQLITE_CANDIDATES]
    )
    rows = list(commitments)
    ids = [row[0] for row in rows]
    parties: dict[int, list[str]] = {}
    links = Commitment.responsible_parties.through.objects.filter(commitment_id__in=ids)
    for commitment_id, name, code in links.values_list(
        "commitment_id", "party__name", "party__code"
    ):
        parties.setdefault(commitment_id, []).extend([name, code])
    keywords: dict[int, list[str]] = {}
    for commitment_id, words in CommitmentKeywords.objects.filter(
        commitment_id__in=ids
    ).values_list("commitment_id", "words"):
        keywords.setdefault(commitment_id, []).append(words)
    return [
        Candidate(
            id=pk,
            title=title,
            text=f"{description} {' '.join(parties.get(pk, []))}",
            keywords=tuple(keywords.get(pk, [])),
        )
        for pk, title, description in rows
    ]
