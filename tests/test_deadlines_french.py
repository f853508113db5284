"""French deadline wording, as bilateral accords authentic in French write it (issue 19,
item 6)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import TimelineError, TimelineKind, due_date, parse_timeline
from tracker.numbers import french_to_int
from tracker.recurrence import Recurrence

SIGNED = date(2026, 1, 31)  # a Saturday


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("dans un délai de trois mois", date(2026, 4, 30)),
        ("au plus tard le 30 juin 2027", date(2027, 6, 30)),
        ("dans les 90 jours suivant la signature", date(2026, 5, 1)),
        ("dans les trente (30) jours à compter de l'entrée en vigueur", date(2026, 3, 2)),
        ("avant la fin de 2027", date(2027, 12, 31)),
        ("d'ici fin juin 2027", date(2027, 6, 30)),
        ("d'ici la fin du premier trimestre 2027", date(2027, 3, 31)),
        ("d'ici mi-2027", date(2027, 6, 30)),
        ("avant le 1er mars 2027", date(2027, 2, 28)),
        ("dans les 48 heures", date(2026, 2, 2)),
        ("dans un délai de dix jours ouvrables", date(2026, 2, 13)),
        ("dans un délai d'un mois à compter de la signature du présent accord", date(2026, 2, 28)),
        ("dans un délai n'excédant pas six mois", date(2026, 7, 31)),
        ("au cours des six premiers mois", date(2026, 7, 31)),
        ("dans le mois suivant la signature", date(2026, 2, 28)),
        ("dans un délai de soixante-dix jours", SIGNED + timedelta(days=70)),
        ("dans les quatre-vingt-dix (90) jours", SIGNED + timedelta(days=90)),
        ("en cours", None),
        ("continu", None),
        ("dans les 1 000 jours", SIGNED + timedelta(days=1000)),
        ("dans les 10 jours ouvrés", date(2026, 2, 13)),
    ],
)
def test_it_reads_french_wording(wording, expected):
    assert due_date(wording, SIGNED) == expected


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("dans les 90 jours suivant la signature", None),
        ("dans un délai d'un mois à compter de la signature du présent accord", None),
        ("dans les trente (30) jours à compter de l'entrée en vigueur", "entrée en vigueur"),
        (
            "au plus tard 30 jours après la date d'entrée en vigueur du présent accord",
            "entrée en vigueur",
        ),
        ("dès l'entrée en vigueur", "entrée en vigueur"),
        ("dans un délai de trois mois (à compter de l'entrée en vigueur)", "entrée en vigueur"),
    ],
)
def test_french_events_stay_in_french_and_the_signing_is_none(wording, event):
    assert parse_timeline(wording).event == event


@pytest.mark.parametrize(
    ("wording", "event"),
    [
        ("immédiatement", None),
        ("sans délai", None),
        ("dans les meilleurs délais", None),
        ("immédiatement après la signature", None),
        ("immédiatement après l'entrée en vigueur", "entrée en vigueur"),
    ],
)
def test_french_promptness(wording, event):
    timeline = parse_timeline(wording)
    assert (timeline.kind, timeline.event) == (TimelineKind.PROMPT, event)


@pytest.mark.parametrize(
    ("wording", "recurrence"),
    [
        ("chaque année", Recurrence(months=12)),
        ("annuellement", Recurrence(months=12)),
        ("tous les six mois", Recurrence(months=6)),
        ("trimestriellement", Recurrence(months=3)),
        ("deux fois par an", Recurrence(months=6)),
        ("au moins une fois par an", Recurrence(months=12)),
        ("tous les 90 jours", Recurrence(days=90)),
        ("réunions mensuelles", Recurrence(months=1)),
        ("consultations régulières de haut niveau", Recurrence()),
        ("chaque année le 1er mars", Recurrence(months=12, on_month=3, on_day=1)),
        ("le 1er mars de chaque année", Recurrence(months=12, on_month=3, on_day=1)),
        ("tous les deux ans à partir de 2027", Recurrence(months=24, starts_on=date(2027, 1, 1))),
    ],
)
def test_french_recurring_wording(wording, recurrence):
    timeline = parse_timeline(wording)
    assert (timeline.kind, timeline.recurrence) == (TimelineKind.RECURRING, recurrence)


def test_a_french_recurring_timeline_names_its_event_in_french():
    timeline = parse_timeline("annuellement à compter de l'entrée en vigueur")
    assert timeline.event == "entrée en vigueur"


@pytest.mark.parametrize(
    ("wording", "problem"),
    [
        ("dans plusieurs mois", "has “plusieurs” where a number should be"),
        ("dans un délai de vingt-dix jours", "has “vingt-dix” where a number should be"),
        ("dans les trente (31) jours", "says “trente” but (31) in figures"),
        ("dans quelque temps", "cannot be read as a deadline"),
    ],
)
def test_french_it_cannot_read_is_refused_with_french_forms_nearest(wording, problem):
    with pytest.raises(TimelineError) as raised:
        parse_timeline(wording)
    assert raised.value.problem.startswith(problem)
    assert raised.value.closest[0].startswith("dans")


def test_zero_times_a_year_is_refused():
    with pytest.raises(TimelineError, match="does not split into equal periods"):
        parse_timeline("0 fois par an")


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("soixante-dix", 70),
        ("soixante et onze", 71),
        ("quatre-vingts", 80),
        ("quatre-vingt-un", 81),
        ("quatre-vingt-dix-neuf", 99),
        ("cent", 100),
        ("deux cents", 200),
        ("mille", 1000),
        ("trente et un", 31),
        ("vingt-et-un", 21),
    ],
)
def test_french_number_words(words, number):
    assert french_to_int(words) == number


@pytest.mark.parametrize("words", ["vingt-dix", "deux trois", "vingt et", "cents", "mille mille"])
def test_french_words_that_make_no_number_are_refused(words):
    assert french_to_int(words) is None


_UNITS = "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
_UNITS += "quinze seize"
UNITS = _UNITS.split()
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante", 8: "quatre-vingt"}


def _below_hundred(number: int) -> str:
    if number <= 16:
        return UNITS[number]
    if number < 20:
        return "dix-" + UNITS[number - 10]
    tens, unit = divmod(number, 10)
    if tens in {7, 9}:  # soixante-dix…, quatre-vingt-dix…
        base = 60 if tens == 7 else 80
        joiner = " et " if number == 71 else "-"
        return TENS[base // 10] + joiner + _below_hundred(number - base)
    if unit == 0:
        return TENS[tens] + ("s" if tens == 8 else "")
    return TENS[tens] + (" et un" if unit == 1 and tens != 8 else "-" + UNITS[unit])


def in_french(number: int) -> str:
    """French words for 1..9999, as the Académie writes them."""
    parts = []
    thousands, number = divmod(number, 1000)
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_hundred(thousands)} mille")
    hundreds, number = divmod(number, 100)
    if hundreds:
        plural = "s" if hundreds > 1 and number == 0 else ""
        parts.append(("cent" if hundreds == 1 else f"{UNITS[hundreds]} cent") + plural)
    if number:
        parts.append(_below_hundred(number))
    return " ".join(parts)


@given(number=st.integers(min_value=1, max_value=9999))
def test_french_numbers_in_words_read_as_their_figures(number):
    assert french_to_int(in_french(number)) == number
    wording = f"dans un délai de {in_french(number)} ({number}) jours"
    assert due_date(wording, SIGNED) == SIGNED + timedelta(days=number)
