"""The event a timeline counts from, as its wording names it. Pure functions.

"Within 30 days of the entry into force" counts from the entry into force; "within three
months (counted from the start of intra-Afghan negotiations)" from the start of intra-Afghan
negotiations; "dans les 90 jours suivant l'entrée en vigueur" from the entrée en vigueur. The
event is kept in lower case, in the wording's language, without its article, its "date of" and
its "of this Agreement"; the signing and its synonyms (in either language) are None, since the
signing is where every timeline counts from by default.
"""

import re

SIGNING_WORDS = {
    "", "signing", "signature", "its signature", "its signing", "signing of this agreement",
    "signature of this agreement", "signing of the agreement", "signature of the agreement",
    "this agreement", "the agreement", "the present agreement", "date of signing",
    "date of signature", "date of this agreement", "signing hereof", "signature hereof",
    "the signing", "the signature", "the date of signing", "the date of signature", "elapsed",
    "signing thereof", "signature thereof", "the date hereof", "date hereof",
    "la signature", "sa signature", "signature du présent accord", "la date de signature",
    "la date de la signature", "date de signature", "la signature de l'accord",
    "signature de l'accord", "présent accord", "le présent accord",
}  # fmt: skip

# "(counted from the start of intra-Afghan negotiations)", "(from the date of signature)",
# "(à compter de la signature)": a note in brackets that names the event.
NOTE_RE = re.compile(
    r"\s*\(\s*(?:(?:counted|calculated|reckoned|computed|running|starting|beginning|commencing)"
    r"\s+)?(?:from|after|following|as from|as of|since|à compter d[eu]|à partir d[eu]|"
    r"à dater d[eu]|suivant|après)\s+(?P<event>[^()]+?)\s*\)"
)

_ARTICLE = r"(?:(?:the|its|their|la|le|les|sa|son|ses)\s+|l')"
_LEAD_RE = re.compile(
    rf"^{_ARTICLE}?(?:(?:date|day|jour)\s+(?:(?:of|on which|when|de|du|des|à laquelle|où)\s+|d')"
    rf"{_ARTICLE}?)?"
)
_TAIL_RE = re.compile(  # "of this Agreement"; after signing, "signing this Treaty" too
    r"\s+(?:(?:(?:of|to)\s+)?(?:this|the present|the)|du présent|de la présente|de l'|du|de la)\s*"
    r"(?:agreement|accord|treaty|protocol|declaration|convention|memorandum|protocole|"
    r"traité|déclaration|mémorandum)(?:\s+of\s+\w+)?$"
)
# "this Agreement enters into force", "it has entered into force": the entry into force.
_ENTRY_INTO_FORCE_RE = re.compile(
    r"^(?:this|the present|the)?\s*(?:agreement|accord|treaty|protocol|convention|it)?\s*"
    r"(?:has\s+|shall\s+|will\s+)?(?:enters|entered|enter|entering)\s+into\s+force$"
)


def read_event(tail: str | None) -> str | None:
    """The event `tail` (the words after "after", "of", "from", "suivant"…) names; None for
    the signing."""
    if tail is None:
        return None
    text = re.sub(r"[()]", " ", tail)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    if text in SIGNING_WORDS:
        return None
    text = _TAIL_RE.sub("", _LEAD_RE.sub("", text)).strip(" ,")
    if _ENTRY_INTO_FORCE_RE.match(text):
        return "entry into force"
    return None if text in SIGNING_WORDS else text


def split_note(text: str) -> tuple[str, str | None]:
    """`text` without its bracketed note naming an event, and that event's words."""
    match = NOTE_RE.search(text)
    if match is None:
        return text, None
    return (text[: match.start()] + text[match.end() :]).strip(), match["event"]


_SEPARATORS = {"-": "[-\u2010-\u2014]", "'": "['\u2019]"}  # any dash, either apostrophe


def event_as_written(wording: str, event: str | None) -> str | None:
    """`event` as `wording` capitalises it ("start of intra-Afghan negotiations"), for naming
    a milestone after it; the event itself when the wording says it otherwise."""
    if not event:
        return event
    pattern = "".join(_piece_pattern(piece) for piece in re.split(r"(\s+|-|')", event))
    match = re.search(pattern, wording, re.IGNORECASE)
    if match is None:
        return event
    return re.sub(r"\s+", " ", re.sub(r"[()]", " ", match[0])).strip()


def _piece_pattern(piece: str) -> str:
    if piece.isspace():
        return r"[\s()]+"  # "exchange of instruments (of ratification)"
    return _SEPARATORS.get(piece) or re.escape(piece)
