"""The event a timeline counts from, read from its wording (issue 19, item 3)."""

from datetime import date

import pytest

from tracker.deadlines import TimelineKind, event_as_written, parse_timeline

SIGNED = date(2026, 1, 31)


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("within 3 months of signing", None),
        ("within 30 days of the signature of this Agreement", None),
        ("one month after its signing", None),
        ("within 30 days after the entry into force", "entry into force"),
        ("upon ratification", "ratification"),
        ("within 14 days following the exchange of instruments", "exchange of instruments"),
        (
            "within 14 days following the exchange of instruments (of ratification)",
            "exchange of instruments of ratification",
        ),
        (
            "three months from the start of intra-Afghan negotiations",
            "start of intra-afghan negotiations",
        ),
        ("within 7 days after the request is received", "request is received"),
        ("within seven days upon receipt of the request", "receipt of the request"),
        ("upon receipt of the request", "receipt of the request"),
        (
            "within 60 days from the date on which the Parties notify each other",
            "parties notify each other",
        ),
        ("within 90 days after the date of entry into force of this Agreement", "entry into force"),
        (
            "within 30 days from the date on which this Agreement enters into force",
            "entry into force",
        ),
        (
            "within 30 days of the date of the adoption of the resolution",
            "adoption of the resolution",
        ),
    ],
)
def test_it_reads_the_event_the_wording_counts_from(wording, event):
    assert parse_timeline(wording).event == event


@pytest.mark.parametrize(
    ("wording", "event", "due"),
    [
        (
            "within three months (counted from the start of intra-Afghan negotiations)",
            "start of intra-afghan negotiations",
            date(2026, 4, 30),
        ),
        ("within 10 days (from the date of signature)", None, date(2026, 2, 10)),
        ("within 30 days (following the entry into force)", "entry into force", date(2026, 3, 2)),
    ],
)
def test_a_note_in_brackets_naming_the_event_is_read_not_refused(wording, event, due):
    timeline = parse_timeline(wording)
    assert (timeline.event, timeline.due_from(SIGNED)) == (event, due)


def test_an_event_on_its_own_is_due_on_the_events_day():
    timeline = parse_timeline("upon the entry into force")
    assert (timeline.kind, timeline.event) == (TimelineKind.OFFSET, "entry into force")
    assert timeline.due_from(date(2026, 5, 4)) == date(2026, 5, 4)


def test_the_reading_names_the_event_in_words():
    wording = "within 30 days after the date of entry into force of this Agreement"
    assert parse_timeline(wording).describe() == "30 days after the entry into force"


@pytest.mark.parametrize(
    ("wording", "written"),
    [
        (
            "within three months (counted from the start of intra-Afghan negotiations)",
            "start of intra-Afghan negotiations",
        ),
        (
            "following the Exchange of Instruments (of Ratification)",
            "Exchange of Instruments of Ratification",
        ),
        ("within 30 days after the Entry into Force", "Entry into Force"),
        ("30 days after the start of intra\u2013Afghan talks", "start of intra\u2013Afghan talks"),
    ],
)
def test_the_event_is_given_back_as_the_wording_capitalises_it(wording, written):
    assert event_as_written(wording, parse_timeline(wording).event or "") == written


def test_an_event_the_wording_words_otherwise_is_given_back_as_read():
    wording = "within 30 days from the date on which this Agreement enters into force"
    assert event_as_written(wording, "entry into force") == "entry into force"


def test_the_signing_has_no_event_to_write():
    assert event_as_written("within 3 months of signing", None) is None


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("within twelve months from the date of signing this Treaty", None),
        ("within one-month period from the date of signing the Agreement", None),
        ("within ten (10) days after its release to the Parties", "release to the parties"),
        ("within seventy two (72) hours of their verification", "verification"),
        ("within the first year after this Agreement enters into force", "entry into force"),
    ],
)
def test_an_event_is_named_without_possessive_or_this_agreement(wording, event):
    assert parse_timeline(wording).event == event


@pytest.mark.parametrize(
    ("wording", "reading"),
    [
        ("upon ratification", "on the ratification"),
        ("after the request is received", "when the request is received"),
    ],
)
def test_an_event_on_its_own_reads_as_the_day_it_happens(wording, reading):
    assert parse_timeline(wording).describe() == reading
