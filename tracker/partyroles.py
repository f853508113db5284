"""Who a text says agreed, and who only mediated: the role of each party it names.

Pure functions, no ORM: drafting asks which named parties signed ("between…", "signed by…",
"… agreed"), which brokered, hosted or witnessed ("brokered by…", "with … mediating",
"EU-brokered") and which are only where the talks were held ("in Doha").
"""

import re
from collections.abc import Iterator

from . import gazetteer

# Who speaks for a party between its name and the verb: "U.S. special envoy Zalmay
# Khalilzad and Taliban political chief Mullah Abdul Ghani Baradar signed the agreement".
_ENVOY = (
    r"(?:\s+(?:[A-Z][\w.’'-]*|(?i:special|envoy|political|chief|president|prime|"
    r"foreign|defen[cs]e|infrastructure|interior|minister|secretary|general|state|deputy|"
    r"national|security|advis[eo]r|leader|head|lead|negotiator|delegation|government|gov't|"
    r"officials?|representatives?|ambassador|commander|of|the))){0,8}?"
)
# A run of names: "Egypt, Qatar and the United States"; also with their envoys between.
_CHAIN_GAP_RE = re.compile(
    rf"(?i:\s*(?:,|&|and|,\s*and)\s+(?:the\s+)?)|{_ENVOY},?\s+and\s+(?:the\s+)?"
)
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
    r"(?:between|signed by|agreement by|accord by)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SIGNATORY_AFTER_RE = re.compile(
    rf"{_ENVOY},?\s+(?i:(?:(?:have|has)\s+)?(?:signed|signs?|agreed|agrees?|reached|concluded|"
    r"initialled|initialed|sealed))\b"
)
# "South Africa agreed to host them": a host, though it "agreed".
_HOST_AFTER_RE = re.compile(
    r"(?:\s+(?:has\s+|have\s+)?(?:agreed|offered|agrees|offers)\s+to\s+(?:host|mediate|"
    r"facilitate|broker)|\s+for\s+(?:hosting|mediating|facilitating|brokering))\b",
    re.IGNORECASE,
)
_VENUE_BEFORE_RE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$")
# "a deal in South Africa", "based in Djibouti": a state named as the place, not a party.
_STATE_VENUE_BEFORE_RE = re.compile(
    r"\b(?:deal|talks|agreement|accord|summit|meeting|negotiations|ceremony|signed|held|"
    r"hosted|truce|ceasefire|conference|process|based)\s+(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "in the Ethiopian capital Addis Ababa": both names say where.
_CAPITAL_OF_RE = re.compile(r"^\s+capital\b")
_IN_CAPITAL_BEFORE_RE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?\S+\s+capital,?\s+$")


def _chains(line: str, named: list[tuple[gazetteer.Entry, int, int]]) -> list[list[tuple]]:
    """Mentions grouped into runs joined by commas and "and": (entry, start, end) each."""
    chains: list[list[tuple]] = []
    for entry, start, end in named:
        if chains and _CHAIN_GAP_RE.fullmatch(line[chains[-1][-1][2] : start]):
            chains[-1].append((entry, start, end))
        else:
            chains.append([(entry, start, end)])
    return chains


def _is_venue(line: str, mention: tuple, before: str, after: str) -> bool:
    """Where, not who: a capital after "in" or "at", a state after "talks in" or "based in",
    and both names in "in the Ethiopian capital Addis Ababa"."""
    entry, start, end = mention
    name = line[start:end]
    if _IN_CAPITAL_BEFORE_RE.search(before):
        return True
    if not _VENUE_BEFORE_RE.search(before):
        return False
    if name in gazetteer.CAPITALS or _CAPITAL_OF_RE.match(after):
        return True
    return _STATE_VENUE_BEFORE_RE.search(before) is not None and entry.kind == gazetteer.STATE


def party_roles(line: str, extra: tuple) -> Iterator[tuple[gazetteer.Entry, int, str]]:
    """(entry, position, role) for each party named: "party", "signatory", "mediator" or
    "venue" (a capital after "in" or "at": where the talks were, not who agreed)."""
    for chain in _chains(line, gazetteer.find_spans(line, extra)):
        before = line[max(chain[0][1] - 60, 0) : chain[0][1]]
        after = line[chain[-1][2] : chain[-1][2] + 60]
        if _HOST_AFTER_RE.match(after):
            role = "mediator"
        elif _SIGNATORY_BEFORE_RE.search(before) or _SIGNATORY_AFTER_RE.match(after):
            role = "signatory"
        elif _MEDIATOR_BEFORE_RE.search(before) or _MEDIATOR_AFTER_RE.match(after):
            role = "mediator"
        elif len(chain) == 1 and _is_venue(line, chain[0], before, after):
            role = "venue"
        else:
            role = "party"
        for entry, start, _ in chain:
            yield entry, start, role
