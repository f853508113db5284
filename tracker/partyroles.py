"""Who a text says agreed, and who only mediated: the role of each party it names.

Pure functions, no ORM: drafting asks which named parties signed ("between…", "signed by…",
"… agreed"), which brokered, hosted or witnessed ("brokered by…", "with … mediating",
"EU-brokered") and which are only where the talks were held ("in Doha").
"""

import re
from collections.abc import Iterator

from . import gazetteer

# A run of names: "Egypt, Qatar and the United States".
_CHAIN_GAP_RE = re.compile(r"\s*(?:,|&|and|,\s*and)\s+(?:the\s+)?", re.IGNORECASE)
_MEDIATOR_BEFORE_RE = re.compile(
    r"(?:(?:brokered|mediated|facilitated|hosted|witnessed|sponsored|guaranteed|convened|"
    r"co-?chaired|chaired)\s+(?:jointly\s+)?by|in the presence of|under the auspices of|"
    r"mediation (?:of|by)|mediators? (?:from)?|help of)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)
_MEDIATOR_AFTER_RE = re.compile(
    r"(?:[’']s)?(?:[-\s]+(?:brokered|mediated|facilitated|hosted|sponsored|brokers|mediates|"
    r"hosts|facilitates|led|co-?chaired|mediation|mediators?)\b|,?\s+(?:the\s+|which\s+|who\s+|were\s+|was\s+)?"
    r"(?:(?:acted|acting|served|serving)\s+)?(?:as\s+(?:the\s+)?)?"
    r"(?:mediators?|mediating|guarantors?|facilitators?|hosts?|brokering)\b)",
    re.IGNORECASE,
)
_SIGNATORY_BEFORE_RE = re.compile(
    r"(?:between|signed by|agreement by|accord by)\s+(?:the\s+)?$", re.IGNORECASE
)
_SIGNATORY_AFTER_RE = re.compile(
    r"\s+(?:signed|signs?|agreed|agrees?|have agreed|reached|concluded|initialled|initialed|"
    r"sealed)\b",
    re.IGNORECASE,
)
_VENUE_BEFORE_RE = re.compile(r"\b(?:in|at)\s+$")


def _chains(line: str, named: list[tuple[gazetteer.Entry, int, int]]) -> list[list[tuple]]:
    """Mentions grouped into runs joined by commas and "and": (entry, start, end) each."""
    chains: list[list[tuple]] = []
    for entry, start, end in named:
        if chains and _CHAIN_GAP_RE.fullmatch(line[chains[-1][-1][2] : start]):
            chains[-1].append((entry, start, end))
        else:
            chains.append([(entry, start, end)])
    return chains


def party_roles(line: str, extra: tuple) -> Iterator[tuple[gazetteer.Entry, int, str]]:
    """(entry, position, role) for each party named: "party", "signatory", "mediator" or
    "venue" (a capital after "in" or "at": where the talks were, not who agreed)."""
    for chain in _chains(line, gazetteer.find_spans(line, extra)):
        before = line[max(chain[0][1] - 60, 0) : chain[0][1]]
        after = line[chain[-1][2] : chain[-1][2] + 60]
        if _SIGNATORY_BEFORE_RE.search(before) or _SIGNATORY_AFTER_RE.match(after):
            role = "signatory"
        elif _MEDIATOR_BEFORE_RE.search(before) or _MEDIATOR_AFTER_RE.match(after):
            role = "mediator"
        elif _VENUE_BEFORE_RE.search(before) and len(chain) == 1:
            role = "venue" if line[chain[0][1] : chain[0][2]] in gazetteer.CAPITALS else "party"
        else:
            role = "party"
        for entry, start, _ in chain:
            yield entry, start, role
