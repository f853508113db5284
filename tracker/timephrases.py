"""Timeline phrases in prose, for drafting: which words date a promise, and which words
promise (or schedule a meeting) at all. Pure regular expressions, no ORM.

Absolute phrases ("within 3 months", "by 10 March 2020", "dans un délai de trois mois")
date a sentence on their own, with the bracketed note naming the event they count from
("(counted from the start of intra-Afghan negotiations)"). Relative ones ("next month", "by
the end of the year"), recurring ones ("annually", "every six months", "quarterly meetings",
"chaque année"), prompt ones ("immediately", "without delay", "sans délai") and an event on
its own ("upon ratification") count only in a sentence that promises something or schedules
a meeting (`read_sentence`); a list item or a table title needs no promise (`read_item`).
Wording said of what was done ("were held annually") dates nothing. The deadline engine
(`tracker.deadlines`) reads most of them; the drafter flags the others.
"""

import re
from dataclasses import dataclass

from . import deadline_events
from .numbers import FR_WORDS, SMALL_NUMBERS, TENS

_NUMBER_WORDS = sorted(
    {*SMALL_NUMBERS, *TENS},  # the engine's vocabulary: it can read them
    key=len,
    reverse=True,
)
_NUMBER = (
    rf"(?:\d{{1,4}}|(?:{'|'.join(_NUMBER_WORDS)})(?:[- ](?:{'|'.join(_NUMBER_WORDS)}))?)"
    r"(?:\s*\(\d{1,4}\))?"
)
_UNIT = r"(?:days?|weeks?|fortnights?|months?|years?)"
_SIGNING = (
    r"(?:\s+(?:of|after|from|following)\s+(?:the\s+)?(?:signing(?:\s+date)?|signature|"
    r"entry into force|"
    r"(?:this\s+)?(?:agreement|accord|deal|pact|memorandum))"
    r"(?:\s+of\s+(?:the|this)\s+(?:agreement|accord|deal|pact|memorandum))?)?"
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?:the\s+)?end\s+of\s+(?:{_MONTH}\s+)?\d{{4}}"
    rf"|{_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+{_ORDINAL},?\s+\d{{4}}"
    rf"|{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|(?:19|20)\d\d(?![\d-]))"
)
TIMELINE_PHRASE_RE = re.compile(
    rf"\b(?:(?:within|no later than|not later than)\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}"
    rf"{_SIGNING}"
    rf"|{_NUMBER}\s+{_UNIT}\s+(?:(?:after|of|from|following)\s+(?:the\s+)?(?:signing|signature|"
    r"entry into force)|(?=(?:after|following)\s))"
    rf"|(?:by|before|no later than|not later than)\s+{_DATE})\b",
    re.IGNORECASE,
)
# The event a period counts from, up to where its clause ends: "of the conclusion of a final
# peace accord", not "…, according to a joint statement".
OTHER_ANCHOR_RE = re.compile(
    r"\s*(?:after|following|from|of)\s+((?:the\s+)?[\w-]+"
    r"(?:\s+(?!(?:and|but|or|while|which|who|according|as|if|when|unless|so|said|says)\b)"
    r"[\w-]+){0,5})",
    re.IGNORECASE,
)
# "seven years after relations were severed" is history, not a deadline.
PAST_EVENT_RE = re.compile(
    r"\s*(?:after|following|since)\s+[^,.;]{0,60}?\b(?:was|were|had|did)\b", re.IGNORECASE
)
ACTION_RE = re.compile(
    r"\b(?:will|would|shall|must|(?:have|has)?\s*(?:agreed|committed|pledged|promised|undertaken|"
    r"undertook|decided|resolved)\s+to|agree to|commit to|pledge to|undertake to|are to|is to)"
    r"\s+(?:(?:also|jointly|each|both|further)\s+)?",
    re.IGNORECASE,
)


def find_timeline(text: str) -> re.Match | None:
    """The first deadline phrase in `text`: 'within 3 months', 'by 10 March 2020', …"""
    return TIMELINE_PHRASE_RE.search(text)


# Relative phrases count from the day the text was written, which the drafter does not know:
# they are timelines only where the sentence promises something or schedules a meeting.
_RELATIVE_UNIT = r"(?:days?|weeks?|fortnights?|months?|years?|quarters?)"
RELATIVE_PHRASE_RE = re.compile(
    rf"\b(?:(?:(?:by|before|within|in|during|over)\s+)?(?:the\s+)?next\s+"
    rf"(?:(?:few|several|couple\s+of)\s+)?{_RELATIVE_UNIT}"
    rf"|(?:in|within|over|during)\s+the\s+(?:coming|following)\s+(?:(?:few|several)\s+)?"
    rf"{_RELATIVE_UNIT}"
    rf"|(?:by|before|at|towards?)\s+the\s+end\s+of\s+(?:the|this|next)\s+{_RELATIVE_UNIT}"
    rf"|(?:later|early|earlier)\s+(?:this|next)\s+{_RELATIVE_UNIT}"
    # A day with no year ("by November 15", "on August 4"), or any day a meeting is set for
    # ("on 4 August 2025"): the drafter proposes it where something is promised or scheduled,
    # and the engine says what it cannot read.
    rf"|(?:by|before)\s+(?:{_MONTH}\s+{_ORDINAL}|{_ORDINAL}\s+(?:of\s+)?{_MONTH})(?!,?\s+\d)"
    rf"|on\s+(?:{_MONTH}\s+{_ORDINAL}|{_ORDINAL}\s+(?:of\s+)?{_MONTH})(?:,?\s+\d{{4}})?"
    r"|(?:by|before)\s+(?:next\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.IGNORECASE,
)
_MEETING_NOUN_RE = re.compile(
    r"\b(?:(?:another|a|an|the|further|follow-up|next)\s+)?(?:[\w-]+\s+)?"
    r"(?:meetings?|talks|summits?|consultations?|conferences?|negotiations?|sessions?)\b",
    re.IGNORECASE,
)
_SCHEDULED_RE = re.compile(
    r"\b(?:scheduled|planned|set|due|expected|to be held|take place|will|convene)\b",
    re.IGNORECASE,
)
_MEET_RE = re.compile(r"\b(?:meet|convene|reconvene)\b", re.IGNORECASE)


def find_meeting(text: str) -> re.Match | None:
    """The first meeting `text` schedules: a meeting, talks, a summit… with "scheduled",
    "planned", "will"… after it, or "meet", "convene". Each pattern runs once over the text, so
    a long paste full of "talks" stays linear."""
    found = []
    if (noun := _MEETING_NOUN_RE.search(text)) and _SCHEDULED_RE.search(text, noun.end()):
        found.append(noun)
    if verb := _MEET_RE.search(text):
        found.append(verb)
    return min(found, key=lambda m: m.start(), default=None)


def find_relative_timeline(text: str) -> re.Match | None:
    """'next month', 'in the coming weeks', 'by the end of the year'… in `text`."""
    return RELATIVE_PHRASE_RE.search(text)


# "signed the agreement on Feb. 29": the day something was done, not the day it is due.
_DONE_BEFORE_RE = re.compile(
    r"\b(?:signed|held|met|was|were|took place|began|started|announced|reached|initialled|"
    r"concluded|agreed)(?:\s+[\w.-]+){0,3}\s*$",
    re.IGNORECASE,
)


# Recurring wording as the engine reads it (`deadlines_en`, `deadlines_fr`): the interval, what
# recurs when an adjective gives the interval ("quarterly meetings"), then the day of the year,
# the start or the event. An adjective that is also an adverb ("monthly") dates a sentence
# only before what recurs or where its clause goes on: "monthly salaries" recur nothing.
_ACTIVITY = (
    r"(?:meetings?|consultations?|reports?|reviews?|sessions?|talks|summits?|visits?|"
    r"briefings?|exchanges?|dialogues?|conferences?|assessments?|inspections?|exercises?|"
    r"patrols?|rounds?|contacts?|forums?|gatherings?)"
)
_PERIODIC_ADJECTIVE = (
    r"(?:annual|yearly|quarterly|monthly|weekly|fortnightly|biannual|semi-annual|semiannual|"
    r"half-yearly|biennial|regular|periodic)"
)
_CLAUSE_GOES_ON = (
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:on|in|at|from|starting|beginning|after|following|until|and|"
    r"or|to|with|for|by|thereafter|throughout|during|between|under)\b)"
)
_EVENT_NOUN = (
    r"(?:(?:the|its|their)\s+)?(?:entry into force|ratification|signing|signature|approval|"
    r"adoption|conclusion|completion|exchange|receipt|notification|establishment|formation|"
    r"release|publication|deposit|start|beginning|commencement|expiry|expiration|end|"
    r"termination|launch|opening)"
    r"(?:\s+of\s+(?:the\s+)?[\w-]+(?:\s+(?!(?:and|but|or|while|which|who|according|as|if|"
    r"when|unless|so|said|says|by|to|in|on|at|for|with)\b)[\w-]+){0,4})?"
)
_SMALL_WORD = r"(?:to|and|or|in|on|at|for|with|by|of|the|a|an|from|than|as)\b"
_DAY_OF_YEAR = rf"(?:{_ORDINAL}\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+{_ORDINAL})(?!,?\s+\d{{4}})"
_INTERVAL_UNIT = r"(?:days?|weeks?|fortnights?|months?|quarters?|years?)"
_RECURRING_TAIL = (
    rf"(?:,?\s+(?:on|by)\s+{_DAY_OF_YEAR})?"
    rf"(?:,?\s+(?:(?:starting|beginning|commencing)(?:\s+(?:in|on|from))?\s+(?:{_DATE}|"
    rf"{_ORDINAL}\s+{_MONTH}\s+\d{{4}}|{_EVENT_NOUN})|(?:from|following)\s+{_EVENT_NOUN}))?"
    r"(?:,?\s+thereafter)?"
)
RECURRING_PHRASE_RE = re.compile(
    r"\b(?:(?:at\s+least\s+)?(?:"
    rf"(?:on|by|before|not later than|no later than)\s+{_DAY_OF_YEAR}\s+(?:of\s+)?"
    r"(?:each|every)\s+year"
    # "regular high-level consultations", not "quarterly to review": no small word between
    rf"|(?P<recurs>{_PERIODIC_ADJECTIVE}\s+(?:(?!{_SMALL_WORD})[\w-]+\s+){{0,2}}?{_ACTIVITY})"
    r"|on\s+an?\s+(?:annual|yearly|quarterly|monthly|weekly|fortnightly|biannual|"
    r"semi-annual|regular|periodic)\s+basis"
    r"|at\s+regular\s+intervals"
    r"|(?:annually|biannually|semi-annually|semiannually|biennially|regularly|periodically)"
    rf"|(?:quarterly|monthly|weekly|yearly|fortnightly|half-yearly){_CLAUSE_GOES_ON}"
    rf"|(?:once\s+)?(?:every|each)\s+(?:other\s+|{_NUMBER}\s+)?{_INTERVAL_UNIT}"
    rf"|(?:once|twice|(?:three|four|\d)\s+times)\s+(?:a|per|each|every)\s+{_INTERVAL_UNIT}"
    rf"){_RECURRING_TAIL}"
    # French: "chaque année", "tous les six mois", "deux fois par an", "réunions mensuelles"
    r"|(?P<fr>chaque\s+(?:année|an|mois|semaine|trimestre)"
    r"|tous\s+les\s+(?:[\w-]+\s+)?(?:ans|mois|jours|semaines|trimestres)"
    r"|(?:une|deux|trois|quatre)\s+fois\s+par\s+(?:an|mois|semaine)"
    r"|annuellement|mensuellement|trimestriellement|semestriellement|régulièrement"
    r"|(?P<recurs_fr>(?:réunions?|consultations?|rapports?|sessions?|sommets?)\s+"
    r"(?:annuel(?:le)?s?|mensuel(?:le)?s?|trimestriel(?:le)?s?|semestriel(?:le)?s?|"
    r"réguli(?:er|ère)s?))))(?!\w)",
    re.IGNORECASE,
)
# "immediately", "without delay", "as soon as possible after the entry into force".
PROMPT_PHRASE_RE = re.compile(
    r"\b(?:(?:immediately(?!\s+(?:adjacent|next|north|south|east|west|outside|beyond|behind|"
    r"around|near|below|above)\b)|forthwith|promptly|expeditiously|without\s+(?:undue\s+)?delay|"
    r"as\s+soon\s+as\s+(?:possible|practicable)|as\s+early\s+as\s+possible|"
    r"at\s+the\s+earliest\s+opportunity)"
    rf"(?:,?\s+(?:after|upon|following)\s+{_EVENT_NOUN})?"
    r"|(?P<fr>immédiatement|sans\s+délai|sans\s+tarder|dès\s+que\s+possible"
    r"|dans\s+les\s+(?:meilleurs|plus\s+brefs)\s+délais(?:\s+possibles)?))(?!\w)",
    re.IGNORECASE,
)
# "upon ratification", "on the entry into force": due on the event's day.
EVENT_PHRASE_RE = re.compile(
    rf"\b(?:upon\s+{_EVENT_NOUN}|on\s+(?:the\s+|its\s+)?entry\s+into\s+force)\b",
    re.IGNORECASE,
)
# "(counted from the start of intra-Afghan negotiations)" after a period: the event it counts
# from, read by the engine (`deadline_events.NOTE_RE`), so it belongs to the wording.
NOTE_RE = re.compile(deadline_events.NOTE_RE.pattern, re.IGNORECASE)
# French periods date a sentence on their own, as "within" does.
FRENCH_PERIOD_RE = re.compile(
    rf"\b(?:dans\s+(?:un\s+délai\s+(?:de\s+|d['’]|n['’]excédant\s+pas\s+)|les\s+)"
    rf"(?:un|une|\d{{1,4}}|{FR_WORDS})\s+(?:\(\d{{1,4}}\)\s+)?(?:premi(?:er|ère)s?\s+)?"
    r"(?:heures?|jours?|semaines?|mois|ans?|années?)"
    r"(?:\s+ouvrables)?"
    r"(?:\s+(?:suivant|qui\s+suivent|à\s+compter\s+d[eu]|à\s+partir\s+d[eu]|après)\s+"
    r"(?:l['’]|la\s+|le\s+|les\s+|sa\s+)?[\w-]+(?:\s+(?:en\s+vigueur|d[eu]\s+[\w-]+))?)?"
    r")(?!\w)",
    re.IGNORECASE,
)
# French promises: "s'engagent à", "ont convenu de", and the future tense ("se réuniront").
FRENCH_ACTION_RE = re.compile(
    r"\b(?:s['’]engagen?t?\s+à|(?:ont|a)\s+(?:convenu|décidé|accepté)\s+de|conviennent\s+de|"
    r"\w+(?:eront|iront|uront|vront|dront)|\w+(?:era|ira|vra|dra)|doi(?:t|vent)|devr(?:a|ont))"
    r"(?!\w)",
    re.IGNORECASE,
)
# What a promise needs before wording that does not date a sentence alone counts: relative,
# recurring, prompt or an event on its own.
PROMISED_PHRASE_RES = (RELATIVE_PHRASE_RE, RECURRING_PHRASE_RE, PROMPT_PHRASE_RE, EVENT_PHRASE_RE)
# "The ministers used to meet annually", "immediately after the talks ended": done, not due.
_USED_TO_RE = re.compile(r"\bused\s+to\b", re.IGNORECASE)
_PAST_CLAUSE_RE = re.compile(
    r"\s*,?\s*(?:after|following|once|when)\s+[^,.;]{0,60}?\b(?:was|were|had|did|ended|"
    r"began|started|finished|closed|broke|collapsed|concluded|failed)\b",
    re.IGNORECASE,
)


def find_absolute_timeline(text: str) -> re.Match | None:
    """The first phrase that dates a sentence on its own, in English or French."""
    found = [m for m in (find_timeline(text), FRENCH_PERIOD_RE.search(text)) if m]
    return min(found, key=lambda m: (m.start(), -m.end()), default=None)


def find_promised_timeline(text: str) -> re.Match | None:
    """The first relative, recurring, prompt or event phrase in `text` that is not said of
    something done ("were held annually", "signed on Feb. 29"); the longest of those starting
    at the same place ("each year on 1 March", not "on 1 March")."""
    found = sorted(
        (m for pattern in PROMISED_PHRASE_RES for m in pattern.finditer(text)),
        key=lambda m: (m.start(), -m.end()),
    )
    return next((m for m in found if not _said_of_the_done(text, m)), None)


# "the talks were held annually", "the ministers met quarterly": how it was, not what is due.
# "The talks, held annually since 2010", but not "will be held annually".
_WAS_DONE_BEFORE_RE = re.compile(
    r"\b(?:met|was|were|had|took place|used)(?:\s+[\w.-]+){0,2}\s*$|(?<!\bbe\s)\bheld\s*$",
    re.IGNORECASE,
)
# "regularly violated", "immediately released": a past verb after the adverb…
_DONE_AFTER_RE = re.compile(r"\s+(?:\w+ed|met|held|was|were|had|took)\b", re.IGNORECASE)
# …unless what comes before makes it due: "will be immediately released".
_DUE_BEFORE_RE = re.compile(r"\b(?:will|shall|would|must|to|be)(?:\s+[\w-]+)?\s*$", re.IGNORECASE)


def _said_of_the_done(text: str, match: re.Match) -> bool:
    start = max(0, match.start() - 200)
    if match.re is not RELATIVE_PHRASE_RE:
        return bool(
            _WAS_DONE_BEFORE_RE.search(text, start, match.start())
            or (
                _DONE_AFTER_RE.match(text, match.end())
                and not _DUE_BEFORE_RE.search(text, start, match.start())
            )
        )
    if match.group().lower().startswith("on"):  # "signed the agreement on Feb. 29"
        return bool(_DONE_BEFORE_RE.search(text, start, match.start()))
    return False  # "were expected to meet next month" is still due


def promises(sentence: str, *, french: bool = False) -> bool:
    """Whether someone will, shall or agreed to act; in French too ("se réuniront") when the
    wording is French, so that "camera" or "Indira" promise nothing in English."""
    return bool(ACTION_RE.search(sentence) or (french and FRENCH_ACTION_RE.search(sentence)))


def is_french(match: re.Match) -> bool:
    """Whether a recurring or prompt phrase is French ("chaque année", "sans délai")."""
    return "fr" in match.re.groupindex and match["fr"] is not None


def sentence_timeline(sentence: str) -> tuple[re.Match | None, re.Match | None]:
    """The sentence's deadline phrase, and the meeting it schedules when it promises none."""
    if match := find_absolute_timeline(sentence):
        return match, None
    found = find_promised_timeline(sentence)
    if (
        found is None
        or _USED_TO_RE.search(sentence)
        or _PAST_CLAUSE_RE.match(sentence, found.end())
    ):
        return None, None
    if promises(sentence, french=is_french(found)):
        return found, None
    meeting = find_meeting(sentence)
    return (found, meeting) if meeting else (None, None)


@dataclass(frozen=True)
class SentenceTimeline:
    wording: str  # verbatim, with the event it counts from when the text names one after it
    event: str  # that event as written ("the start of intra-Afghan negotiations"), or ""
    rest: str  # the sentence without the wording: what the title is made from
    schedules_meeting: bool  # dated only because it schedules a meeting, promising nothing


def read_item(item: str) -> SentenceTimeline | None:
    """The timeline in a list item or a table title ("Open a hotline next month", "Hold
    quarterly meetings"): its block already promises, so no promise is needed."""
    match = find_timeline(item) or find_promised_timeline(item)
    if match is None:
        return None
    return SentenceTimeline(match.group(), "", _rest(item, match, match.end()), False)


def _rest(text: str, match: re.Match, end: int) -> str:
    """`text` without the wording that `match` starts and `end` ends; what recurs
    ("quarterly meetings") stays, for the title."""
    kept = max(
        (match.end(g) for g in ("recurs", "recurs_fr") if g in match.re.groupindex), default=-1
    )
    return f"{text[: match.start() if kept < 0 else kept]} {text[end:]}"


def read_sentence(sentence: str) -> SentenceTimeline | None:
    """The timeline a sentence states for something promised or scheduled; None for none."""
    match, meeting = sentence_timeline(sentence)
    if match is None:
        return None
    absolute = match.re not in PROMISED_PHRASE_RES
    counted_from_event = absolute and not re.match(
        r"(?i)(?:within|by|before|no|not|dans)\b", match.group()
    )
    if counted_from_event and (
        not ACTION_RE.search(sentence) or PAST_EVENT_RE.match(sentence, match.end())
    ):
        return None  # "Two years after the war, …" is history, not a promise
    end, event = _wording_end(sentence, match, absolute=absolute)
    wording = sentence[match.start() : end]
    if end >= len(sentence.rstrip()):
        wording = wording.rstrip(". ")  # the sentence's full stop, not "1 March."
    rest = _rest(sentence, match, end)
    return SentenceTimeline(wording, event, rest, schedules_meeting=meeting is not None)


def _wording_end(sentence: str, match: re.Match, *, absolute: bool) -> tuple[int, str]:
    """Where a period's wording ends, with the event it counts from when the text names one
    after it: "(counted from the start of intra-Afghan negotiations)" or "of the conclusion of
    a final peace accord"."""
    if note := NOTE_RE.match(sentence, match.end()):
        # "(from the date of signature)" names the signing, where every timeline counts from.
        signing = deadline_events.read_event(note["event"].lower()) is None
        return note.end(), "" if signing else note["event"]
    if absolute and (anchor := OTHER_ANCHOR_RE.match(sentence, match.end())):
        return anchor.end(), anchor[1]
    return match.end(), ""
