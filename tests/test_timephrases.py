"""Finding timeline phrases in prose (`tracker.timephrases`): on any text up to the paste limit
it never raises and never takes long, and a phrase it finds lies inside the text (sentences,
list items and table titles alike)."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import timephrases
from tracker.drafting_forms import MAX_PASTE

# Generous: a pattern that backtracks over the paste takes minutes, a linear one a fraction
# of a second, even on a busy machine.
SLOW = 5.0

PIECES = st.sampled_from(
    [
        "talks ", "meeting ", "every ", "each year ", "on 1 March ", "annually", "quarterly ",
        "regular high-level ", "consultations", "immediately ", "upon the start of ",
        "within three months ", "(counted from ", ")", "dans les ", "dans un délai de ",
        "trois ", "années ", "chaque ", "tous les ", "will ", "were held ",
        "after the talks ended", "next month", "starting in 2027", ", ", ". ", " ", "x", "-",
    ]
)  # fmt: skip
# A short text repeated up to the paste limit: the shape that exposes quadratic patterns.
LONG_TEXT = (
    st.lists(PIECES, min_size=1, max_size=12)
    .map("".join)
    .map(lambda text: (text * (MAX_PASTE // len(text) + 1))[:MAX_PASTE])
)


def _timed_sentence_timeline(text: str):
    started = time.perf_counter()
    found = timephrases.sentence_timeline(text)
    return found, time.perf_counter() - started


def _timed(read, text: str) -> float:
    started = time.perf_counter()
    read(text)
    return time.perf_counter() - started


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=3))).map("".join)))
def test_finding_phrases_never_raises_and_finds_them_in_the_text(text):
    match, meeting = timephrases.sentence_timeline(text)
    for found in (match, meeting):
        if found is not None:
            assert text[found.start() : found.end()] == found.group()
    assert meeting is None or match is not None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=3))).map("".join)))
def test_reading_a_sentence_or_an_item_never_raises_and_keeps_its_words(text):
    for read in (timephrases.read_sentence, timephrases.read_item):
        found = read(text)
        if found is not None:
            assert found.wording.strip()
            assert found.wording in text
            assert found.event in text


@settings(max_examples=15, deadline=None)
@given(LONG_TEXT)
def test_finding_phrases_in_a_paste_at_the_limit_never_takes_long(text):
    _, took = _timed_sentence_timeline(text)
    assert took < SLOW
    assert _timed(timephrases.read_sentence, text) < SLOW
    assert _timed(timephrases.read_item, text) < SLOW


def test_a_paste_full_of_talks_is_read_in_linear_time():
    # Each "talks" once looked ahead to the end of the text for "scheduled" or "will".
    text = ("talks " * (MAX_PASTE // 6))[: MAX_PASTE - 10] + "next month"
    (match, meeting), took = _timed_sentence_timeline(text)
    assert match is None
    assert meeting is None
    assert took < SLOW
