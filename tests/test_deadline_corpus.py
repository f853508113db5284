"""The engine against deadline wording quoted verbatim from real agreements.

`tests/data/deadline_corpus.yaml` holds the phrases, each with its source and the reading
and due date(s) worked out by hand (its header says how); this file holds the engine to
every one of them: read as expected, or refused with a message that helps.
"""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tracker import deadlines
from tracker.deadlines import TimelineError, parse_timeline

CORPUS = Path(__file__).parent / "data" / "deadline_corpus.yaml"
KINDS = {"none", "fixed", "offset", "prompt", "recurring", "refused"}
HEADER_RE = re.compile(r"^# entries: (\d+)\s+\(read: (\d+), refused: (\d+)\)", re.MULTILINE)
KINDS_RE = re.compile(
    r"^#\s+read, by kind: offset (\d+), fixed (\d+), prompt (\d+), recurring (\d+), none (\d+)",
    re.MULTILINE,
)
INTERVAL_RE = re.compile(r"^(\d+) (month|year)s?$")


def _entries() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


ENTRIES = _entries()


def _entry_id(number: int, entry: dict) -> str:
    return f"{number:03d} {entry['phrase'][:50]}"


# "of this Agreement", "du présent Traité": the text's own name adds nothing to the event.
OWN_TEXT_RE = re.compile(
    r"\s+(?:(?:of|du|de)\s+)?(?:this|the|the present|présent|présente|le présent|la présente)\s+"
    r"(?:agreement|treaty|protocol|decision|convention|accord|traité|protocole|décision)$"
)


def _event_words(text: str | None) -> str | None:
    """An event's name, compared without case, curly quotes, a leading "the", "its",
    "the date of" or "l'", or a trailing "of this Agreement"; the signing is no event."""
    if text is None:
        return None
    words = " ".join(text.lower().replace("’", "'").split()).strip(" .,;")
    words = re.sub(
        r"^(?:the |its |their |son |sa |leur |l')?(?:date (?:of|on which) )?(?:the )?", "", words
    )
    words = OWN_TEXT_RE.sub("", words)
    return None if words in ("", "signing", "signature", "la signature") else words


def _interval_months(recurrence) -> int | None:
    """The interval of a recurrence in months, whatever the engine keeps it as."""
    if recurrence is None:
        return None
    if isinstance(recurrence, int):
        return recurrence or None
    if isinstance(recurrence, str):
        match = INTERVAL_RE.match(recurrence.strip().lower())
        if match is None:
            return None
        amount = int(match[1])
        return amount * 12 if match[2] == "year" else amount
    months = getattr(recurrence, "months", None)
    return months or None


def _expected_months(every: str | None) -> int | None:
    return None if every is None else _interval_months(every)


def _holidays(entry: dict) -> frozenset[date]:
    return frozenset(entry.get("holidays") or ())


def test_it_holds_at_least_150_cited_phrases():
    assert len(ENTRIES) >= 150
    for entry in ENTRIES:
        assert entry["phrase"].strip(), entry
        assert entry["source"].strip(), entry
        assert entry["url"].startswith(("github:", "http://", "https://")), entry
        assert isinstance(entry["signed"], date), entry
        assert "event_on" in entry, entry
        assert entry["expect"]["kind"] in KINDS, entry


def test_it_quotes_each_phrase_once_per_source():
    keys = [(entry["phrase"], entry["source"]) for entry in ENTRIES]
    assert len(keys) == len(set(keys))


def test_its_header_counts_equal_the_entries():
    text = CORPUS.read_text(encoding="utf-8")
    totals, kinds = HEADER_RE.search(text), KINDS_RE.search(text)
    assert totals is not None
    assert kinds is not None
    counted = dict.fromkeys(KINDS, 0)
    for entry in ENTRIES:
        counted[entry["expect"]["kind"]] += 1
    refused = counted["refused"]
    assert [int(n) for n in totals.groups()] == [len(ENTRIES), len(ENTRIES) - refused, refused]
    assert [int(n) for n in kinds.groups()] == [
        counted["offset"],
        counted["fixed"],
        counted["prompt"],
        counted["recurring"],
        counted["none"],
    ]


@pytest.mark.parametrize("entry", ENTRIES, ids=[_entry_id(n, e) for n, e in enumerate(ENTRIES)])
def test_it_reads_the_phrase_as_the_corpus_expects(entry):
    expect = entry["expect"]
    if expect["kind"] == "refused":
        with pytest.raises(TimelineError) as refusal:
            parse_timeline(entry["phrase"])
        message = str(refusal.value)
        assert entry["phrase"] in message
        assert "one of" in message  # the closest forms it accepts
        return
    timeline = parse_timeline(entry["phrase"])
    assert str(timeline.kind) == expect["kind"], entry["source"]
    if expect["kind"] == "recurring":
        _check_recurring(timeline, entry)
        return
    event = _event_words(expect.get("event"))
    assert _event_words(getattr(timeline, "event", None)) == event, entry["source"]
    anchor = entry["event_on"] if event else entry["signed"]
    assert timeline.due_from(anchor, _holidays(entry)) == expect["due"], entry["source"]


def _check_recurring(timeline, entry):
    expect = entry["expect"]
    every = _expected_months(expect["every"])
    assert _interval_months(timeline.recurrence) == every, entry["source"]
    if expect["first_due"] is not None:
        anchor = entry["event_on"] if _event_words(expect.get("event")) else entry["signed"]
        ends = deadlines.period_ends(timeline, anchor, len(expect["first_due"]))
        assert list(ends) == expect["first_due"], entry["source"]
