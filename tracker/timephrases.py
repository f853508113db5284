"""Timeline phrases in prose, for drafting: which words date a promise, and which words
promise (or schedule a meeting) at all. Pure regular expressions, no ORM.

Absolute phrases ("within 3 months", "by 10 March 2020") date a sentence on their own;
relative ones ("next month", "in the coming weeks", "by the end of the year") count only in
a sentence that promises something or schedules a meeting. The deadline engine
(`tracker.deadlines`) reads some of them; the drafter flags the others.
"""

import re

from .numbers import SMALL_NUMBERS, TENS

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
MEETING_RE = re.compile(
    r"\b(?:(?:another|a|an|the|further|follow-up|next)\s+)?(?:[\w-]+\s+)?"
    r"(?:meetings?|talks|summits?|consultations?|conferences?|negotiations?|sessions?)\b"
    r"(?=.*\b(?:scheduled|planned|set|due|expected|to be held|take place|will|convene)\b)"
    r"|\b(?:meet|convene|reconvene)\b",
    re.IGNORECASE,
)


def find_relative_timeline(text: str) -> re.Match | None:
    """'next month', 'in the coming weeks', 'by the end of the year'… in `text`."""
    return RELATIVE_PHRASE_RE.search(text)


# "signed the agreement on Feb. 29": the day something was done, not the day it is due.
_DONE_BEFORE_RE = re.compile(
    r"\b(?:signed|held|met|was|were|took place|began|started|announced|reached|initialled|"
    r"concluded|agreed)(?:\s+[\w.-]+){0,3}\s*$",
    re.IGNORECASE,
)


def sentence_timeline(sentence: str) -> tuple[re.Match | None, re.Match | None]:
    """The sentence's deadline phrase, and the meeting it schedules when it promises none."""
    if match := find_timeline(sentence):
        return match, None
    relative = find_relative_timeline(sentence)
    if (
        relative is not None
        and relative.group().lower().startswith("on")
        and _DONE_BEFORE_RE.search(sentence, 0, relative.start())
    ):
        return None, None
    if relative is None or ACTION_RE.search(sentence):
        return relative, None
    meeting = MEETING_RE.search(sentence)
    return (relative, meeting) if meeting else (None, None)
