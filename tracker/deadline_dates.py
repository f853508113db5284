"""Calendar dates as agreements write them, in English and French. Pure functions.

"10 March 2020", "March 10, 2020", "2020-03-10", "the end of March 2020", "the end of the first
quarter of 2027", "mid-2027"; "30 juin 2027", "1er mars 2027", "fin juin 2027", "la fin de
2027", "la fin du premier trimestre 2027", "mi-2027". A date that does not exist (31 February)
is None.
"""

import calendar
import re
from datetime import date, datetime, timedelta

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
FRENCH_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
MONTHS.update(FRENCH_MONTHS)
_QUARTERS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4, "final": 4,
    "premier": 1, "deuxième": 2, "troisième": 3, "quatrième": 4, "dernier": 4,
}  # fmt: skip

_END_OF_RE = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:(?P<month>[a-z]+)\s+)?(?P<year>\d{4})$"
    r"|^(?:la\s+)?fin\s+(?:de\s+l'année\s+|de\s+|du\s+mois\s+d[e']\s*)?"
    r"(?:(?P<fr_month>[a-zéû]+)\s+)?(?P<fr_year>\d{4})$"
)
_QUARTER_RE = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<quarter>[a-z]+)\s+quarter\s+(?:of\s+)?(?P<year>\d{4})$"
    r"|^(?:the\s+)?end\s+of\s+q(?P<q>[1-4])\s+(?P<qyear>\d{4})$"
    r"|^(?:la\s+)?fin\s+du\s+(?P<fr_quarter>[a-zè]+)\s+trimestre\s+(?:de\s+)?(?P<fr_year>\d{4})$"
)
_MID_RE = re.compile(r"^(?:mid[- ]?|(?:the\s+)?middle\s+of\s+|(?:la\s+)?mi-\s*)(?P<year>\d{4})$")


def read_date(text: str) -> date | None:
    """The date `text` names, or None; a month ("January 2006") is its last day."""
    text = re.sub(r"(\d)(st|nd|rd|th|er)\b", r"\1", text).replace(",", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if (month := _month_of(text)) is not None:
        return month_end(month)
    if match := _END_OF_RE.match(text):
        return end_of(match["month"] or match["fr_month"], int(match["year"] or match["fr_year"]))
    if match := _QUARTER_RE.match(text):
        return _end_of_quarter(match)
    if match := _MID_RE.match(text):
        return date(int(match["year"]), 6, 30)
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return _read_date_with_month_word(text)


def _read_date_with_month_word(text: str) -> date | None:
    """'10 sept 2020', '30 juin 2027' and other spellings strptime does not know."""
    match = re.fullmatch(r"(\d{1,2}) ([a-zéû]+) (\d{4})|([a-z]+) (\d{1,2}) (\d{4})", text)
    if not match:
        return None
    day, month_word, year = (
        match.group(1, 2, 3) if match.group(1) else (match[5], match[4], match[6])
    )
    month = MONTHS.get(month_word)
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def read_before(text: str) -> date | None:
    """The last day before what `text` names: "before 1 May 2026" is 30 April, since 1 May
    itself is too late; "before January 2006" is 31 December 2005. An end ("before the end
    of 2027", "avant la fin de 2027") is that end."""
    if re.match(r"(?:the\s+|la\s+)?(?:end|fin|mid|middle|mi-)\b", text):
        return read_date(text)
    clean = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    if (month := _month_of(clean)) is not None:
        return month - timedelta(days=1)
    day = read_date(text)
    return None if day is None else day - timedelta(days=1)


def _month_of(text: str) -> date | None:
    """The first day of the month "january 2006" / "juin 2027" names."""
    match = re.fullmatch(r"([a-zéû]+) (\d{4})", text)
    month = MONTHS.get(match[1]) if match else None
    return date(int(match[2]), month, 1) if month else None


def read_start(text: str) -> date | None:
    """A recurrence's start: '2027', 'march 2027', '1 march 2027', 'janvier 2027'."""
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    return _month_of(text) or read_date(text)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def end_of(month_word: str | None, year: int) -> date | None:
    if month_word is None:
        return date(year, 12, 31)
    month = MONTHS.get(month_word)
    if month is None:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_quarter(match: re.Match) -> date | None:
    word = match["quarter"] or match["fr_quarter"]
    quarter = int(match["q"]) if match["q"] else _QUARTERS.get(word)
    if quarter is None:
        return None
    year = int(match["qyear"] or match["year"] or match["fr_year"])
    return month_end(date(year, quarter * 3, 1))
