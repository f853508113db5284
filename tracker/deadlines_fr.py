"""French timeline wording -> `Timeline`. Pure functions: no ORM, no clock.

Bilateral accords are often authentic in French as well as English (the DRC–Rwanda agreement
is one). "dans un délai de trois mois", "dans les trente (30) jours à compter de l'entrée en
vigueur", "au plus tard le 30 juin 2027", "d'ici fin juin 2027", "immédiatement",
"sans délai", "chaque année", "tous les six mois", "réunions trimestrielles". Events stay in
French ("entrée en vigueur"); the signing ("la signature du présent accord") is None.
"""

import re
from dataclasses import replace

from .deadline_dates import MONTHS, read_before, read_date, read_start
from .deadline_events import read_event
from .deadlines import NO_DEADLINE, Timeline, TimelineError, TimelineKind, check_number, make_offset
from .numbers import FR_FIGURE, FR_WORDS, french_ordinal_to_int, french_to_int
from .recurrence import Recurrence

# Words only French wording has: without one, the wording is not French and the English
# refusal stands.
_FRENCH_RE = re.compile(
    r"\b(?:dans|délai|délais|jours?|mois|ans|années?|semaines?|heures?|plus tard|avant|d'ici|"
    r"immédiatement|sans|chaque|tous|toutes|fois|par|trimestriel\w*|annuel\w*|mensuel\w*|"
    r"semestriel\w*|hebdomadaire\w*|réguli\w+|fin|compter|suivant|dès|après|le|la|les|au|"
    r"en cours|néant|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre)\b"
)
_NONE_WORDS = {
    "en cours", "permanent", "permanente", "continu", "continue", "en continu", "néant",
    "sans objet", "aucun délai", "aucune échéance", "sans échéance", "non applicable",
}  # fmt: skip
_PROMPT_WORDS = (
    "immédiatement", "sans délai", "dans les meilleurs délais", "dans les plus brefs délais",
    "dans les meilleurs délais possibles", "dans les plus brefs délais possibles",
    "dès que possible", "aussitôt que possible", "le plus tôt possible", "sans tarder",
    "sans retard", "au plus tôt", "promptement", "sans retard indu",
)  # fmt: skip
_CONNECTOR = (
    r"(?P<connector>suivant|qui suivent|qui suivront|à compter d[eu]|à partir d[eu]|"
    r"à dater d[eu]|après|de|du|dès|consécutifs? à|courant à compter d[eu])"
)
_EVENT_TAIL = rf"(?:\s+{_CONNECTOR}\b\s*(?P<event>.+))?"
_PROMPT_RE = re.compile(
    rf"^(?:{'|'.join(sorted(_PROMPT_WORDS, key=len, reverse=True))})"
    rf"(?:,?\s+(?:après|suivant|dès|lors d[eu]|à compter d[eu])\s*(?P<event>.+))?$"
)
_UNIT = (
    r"(?P<unit>heures?|jours?\s+(?:ouvrables|ouvrés|francs|calendaires)|jours?|semaines?|mois|"
    r"ans?|années?)"
)
_NUMBER = rf"(?P<number>{FR_WORDS}|{FR_FIGURE})\b(?:\s*\((?P<bracket>{FR_FIGURE}|{FR_WORDS})\))?"
_PREFIX = (
    r"(?:(?:dans|en|sous|endéans|pendant|au plus tard|pas plus tard que|avant|d'ici|"
    r"au cours|au terme|à l'expiration|à l'issue)\s*(?:d'|de |des |du )?\s*)?"
    r"(?:un\s+délai\s+(?:maximum\s+|maximal\s+)?(?:de\s+|d'|n'excédant\s+pas\s+|"
    r"ne\s+dépassant\s+pas\s+|ne\s+pouvant\s+excéder\s+)?)?(?:les\s+|la\s+|le\s+)?"
)
_OFFSET_RE = re.compile(
    rf"^{_PREFIX}{_NUMBER}\s+(?:premiers?\s+|premières?\s+)?{_UNIT}(?:\s+plus\s+tard)?"
    rf"{_EVENT_TAIL}$"
)
# "le quatre-vingt-dixième jour à compter de la date du dépôt": that many days after.
_ORDINAL_RE = re.compile(
    rf"^(?:le|au|du|dès le|à partir du)\s+(?P<ordinal>[a-zéè-]+ième|premier|[\d]+e)\s+"
    rf"(?P<unit>jour|mois){_EVENT_TAIL}$"
)
# "au plus tard à la date du transfert", "à la date de l'entrée en vigueur": on the day itself.
_AT_EVENT_RE = re.compile(
    r"^(?:au plus tard\s+)?(?:à|a|dès|lors de)\s+(?P<event>(?:la\s+)?date\s+(?:du|de|des|d')\s*.+)$"
)
_ONE_UNIT_RE = re.compile(  # "dans le mois suivant la signature", "dans l'année"
    rf"^(?:dans|au cours de)\s+(?:le|la|l')\s*{_UNIT}{_EVENT_TAIL}$"
)
_ON_EVENT_RE = re.compile(r"^(?:dès|lors de|à compter de|à partir de)\s*(?P<event>.+)$")
_FIXED_RE = re.compile(
    r"^(?:(?:au plus tard|pas plus tard que|(?P<avant>avant)|d'ici|jusqu'|pour|le|au|en)\s*"
    r"(?:à\s+)?(?:le\s+|la\s+|au\s+|à\s+la\s+)?)?(?P<rest>.+)$"
)
_UNITS = {
    "heure": "hour", "heures": "hour", "jour": "day", "jours": "day", "semaine": "week",
    "semaines": "week", "mois": "month", "an": "year", "ans": "year", "année": "year",
    "années": "year",
}  # fmt: skip


def read(text: str, wording: str) -> Timeline | None:
    """Read normalised French `text`; None when it is not French, `TimelineError` when it is
    French the engine cannot read."""
    if text in _NONE_WORDS:
        return NO_DEADLINE
    if not _FRENCH_RE.search(text):
        return None
    if match := _PROMPT_RE.match(text):
        return Timeline(TimelineKind.PROMPT, event=read_event(match["event"]))
    if match := _OFFSET_RE.match(text):
        amount = _read_number(match["number"], match["bracket"], wording)
        return make_offset(amount, _unit(match["unit"]), wording, _event_of(match))
    if match := _ONE_UNIT_RE.match(text):
        return make_offset(1, _unit(match["unit"]), wording, _event_of(match))
    if match := _ORDINAL_RE.match(text):
        ordinal = match["ordinal"]
        amount = int(ordinal[:-1]) if ordinal[:-1].isdigit() else french_ordinal_to_int(ordinal)
        if amount is None:
            raise TimelineError(wording, f"has “{ordinal}” where a number should be")
        return make_offset(
            check_number(amount, ordinal, None, None, wording),
            _unit(match["unit"]),
            wording,
            _event_of(match),
        )
    if (match := _AT_EVENT_RE.match(text)) and read_date(match["event"]) is None:
        return Timeline(TimelineKind.OFFSET, event=read_event(match["event"]))
    if (recurring := _read_recurring(text, wording)) is not None:
        return recurring
    if (match := _ON_EVENT_RE.match(text)) and read_date(match["event"]) is None:
        return Timeline(TimelineKind.OFFSET, event=read_event(match["event"]))
    match = _FIXED_RE.match(text)
    fixed = (read_before if match["avant"] else read_date)(match["rest"])
    if fixed is None:
        raise TimelineError(wording, _problem(text))
    return Timeline(TimelineKind.FIXED, fixed_on=fixed)


_ANY_NUMBER_RE = re.compile(rf"^{_PREFIX}(?P<word>[^\s()]+)\s+(?:\([^()]*\)\s+)?{_UNIT}\b")


def _problem(text: str) -> str:
    """Which part of an offset-shaped wording could not be read, when it can be told."""
    if (match := _ANY_NUMBER_RE.match(text)) and french_to_int(match["word"]) is None:
        return f"has “{match['word']}” where a number should be"
    return "cannot be read as a deadline"


def _unit(word: str) -> str:
    """'jours ouvrables' -> 'working day', 'années' -> 'year'."""
    if "ouvrable" in word or "ouvré" in word:
        return "working day"
    return _UNITS[word.split()[0]]


def _event_of(match: re.Match) -> str | None:
    return read_event(match["event"]) if match["connector"] else None


def _read_number(word: str, bracket: str | None, wording: str) -> int:
    return check_number(
        french_to_int(word), word, french_to_int(bracket) if bracket else None, bracket, wording
    )


_ADVERBS = {  # wording -> (months, days); (0, 0): no fixed interval
    "annuellement": (12, 0), "chaque année": (12, 0), "chaque an": (12, 0),
    "tous les ans": (12, 0), "mensuellement": (1, 0), "chaque mois": (1, 0),
    "tous les mois": (1, 0), "trimestriellement": (3, 0), "chaque trimestre": (3, 0),
    "tous les trimestres": (3, 0), "semestriellement": (6, 0), "chaque semestre": (6, 0),
    "tous les semestres": (6, 0), "hebdomadairement": (0, 7), "chaque semaine": (0, 7),
    "toutes les semaines": (0, 7), "régulièrement": (0, 0), "périodiquement": (0, 0),
    "de manière régulière": (0, 0), "de façon régulière": (0, 0),
}  # fmt: skip
_ADJECTIVES = {  # stem -> interval: "réunions mensuelles", "sur une base annuelle"
    "annuel": (12, 0), "mensuel": (1, 0), "trimestriel": (3, 0), "semestriel": (6, 0),
    "hebdomadaire": (0, 7), "bisannuel": (24, 0), "biennal": (24, 0), "réguli": (0, 0),
    "périodique": (0, 0),
}  # fmt: skip
_PLURAL_UNITS = {
    "jour": (0, 1), "semaine": (0, 7), "mois": (1, 0), "trimestre": (3, 0), "an": (12, 0),
    "année": (12, 0), "semestre": (6, 0),
}  # fmt: skip
_RECURRING_UNIT = r"(?P<unit>jours?|semaines?|mois|trimestres?|semestres?|ans|an|années?)"
_EVERY_RE = re.compile(rf"^(?:tous|toutes)\s+les\s+(?P<number>{FR_WORDS}|\d+)\s+{_RECURRING_UNIT}")
_TIMES_RE = re.compile(
    rf"^(?P<times>{FR_WORDS}|\d+)\s+fois\s+par\s+(?P<unit>an|année|mois|trimestre|semaine)"
)
_ADJECTIVE_RE = re.compile(
    r"^(?:(?:sur\s+une\s+base|de\s+manière|de\s+façon)\s+|(?:[\w'-]+\s+){0,4}?)"
    r"(?P<adjective>annuel|mensuel|trimestriel|semestriel|hebdomadaire|bisannuel|biennal|"
    r"réguli|périodique)(?:le|ère|er)?s?\b"
)
_ON_DAY_RE = re.compile(r"^le\s+(?P<day>\d{1,2})(?:er)?\s+(?P<month>[a-zéû]+)")
_START_RE = re.compile(r"^(?:à compter d[eu]|à partir d[eu]|à dater d[eu]|dès|après|suivant)\s*")


def _read_recurring(text: str, wording: str) -> Timeline | None:
    """'chaque année', 'tous les six mois', 'deux fois par an', 'réunions mensuelles',
    'chaque année le 1er mars', 'tous les deux ans à partir de 2027'; None otherwise."""
    text = re.sub(r"^au\s+moins\s+", "", text)
    text = re.sub(
        r"^(le\s+\d{1,2}(?:er)?\s+[a-zéû]+)\s+de\s+chaque\s+année", r"chaque année \1", text
    )
    interval, rest = _interval(text, wording)
    if interval is None:
        return None
    recurrence = Recurrence(months=interval[0], days=interval[1])
    if (match := _ON_DAY_RE.match(rest)) and recurrence.months == 12:
        month = MONTHS.get(match["month"])
        if month is None or not 1 <= int(match["day"]) <= 31:
            raise TimelineError(wording, "names a day of the year that does not exist")
        recurrence = replace(recurrence, on_month=month, on_day=int(match["day"]))
        rest = rest[match.end() :].strip(" ,")
    event = None
    if rest:
        start = _START_RE.match(rest)
        if start is None:
            raise TimelineError(wording, f"has “{rest}” after its interval")
        starts_on = read_start(re.sub(r"^(?:l'|le\s+|la\s+)", "", rest[start.end() :]))
        if starts_on is not None:
            recurrence = replace(recurrence, starts_on=starts_on)
        else:
            event = read_event(rest[start.end() :])
    return Timeline(TimelineKind.RECURRING, recurrence=recurrence, event=event)


def _interval(text: str, wording: str) -> tuple[tuple[int, int] | None, str]:
    """The interval a French recurring wording starts with, and what follows it."""
    for adverb in sorted(_ADVERBS, key=len, reverse=True):
        if text == adverb or text.startswith(adverb + " ") or text.startswith(adverb + ","):
            return _ADVERBS[adverb], text[len(adverb) :].strip(" ,")
    if match := _EVERY_RE.match(text):
        amount = _read_number(match["number"], None, wording)
        months, days = _PLURAL_UNITS[_singular(match["unit"])]
        if not 1 <= amount * (months * 31 + days) <= 100 * 366:
            raise TimelineError(wording, "needs an interval of at least one day, at most a century")
        return (amount * months, amount * days), text[match.end() :].strip(" ,")
    if match := _TIMES_RE.match(text):
        count = _read_number(match["times"], None, wording)
        months, days = _PLURAL_UNITS[match["unit"]]
        if count < 1 or (months and months % count) or (days and days % count):
            raise TimelineError(wording, "does not split into equal periods of whole months")
        return (months // count, days // count), text[match.end() :].strip(" ,")
    if match := _ADJECTIVE_RE.match(text):
        # What follows is the start or the event, after a complement that is ignored
        # ("réunions mensuelles de haut niveau à partir de 2027").
        rest = text[match.end() :]
        start = re.search(r"(?:^|\s)(?=(?:à compter|à partir|à dater|dès|après|suivant)\b)", rest)
        return _ADJECTIVES[match["adjective"]], rest[start.end() :].strip(" ,") if start else ""
    return None, text


def _singular(unit: str) -> str:
    return unit if unit in {"mois", "an"} else "an" if unit == "ans" else unit.removesuffix("s")
