"""Numbers as treaties write them, in English and French words or in figures. Pure functions.

English: "one hundred thirty-five", "one hundred and twenty", "a hundred", "thirtieth",
"twelve hundred", "two thousand five hundred". French: "quatre-vingt-dix", "soixante et onze",
"deux cents", "mille", "trente et un". Each reader answers None for words that do not make a
number (a "five five", a "thirty hundred", a "vingt-onze"), never a guess.
"""

import re

SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000}
ORDINALS = {
    "first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
    "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
    "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen",
    "fourteenth": "fourteen", "fifteenth": "fifteen", "sixteenth": "sixteen",
    "seventeenth": "seventeen", "eighteenth": "eighteen", "nineteenth": "nineteen",
    "twentieth": "twenty", "thirtieth": "thirty", "fortieth": "forty", "fiftieth": "fifty",
    "sixtieth": "sixty", "seventieth": "seventy", "eightieth": "eighty",
    "ninetieth": "ninety", "hundredth": "hundred", "thousandth": "thousand",
}  # fmt: skip

FR_UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
}  # fmt: skip
FR_TENS = {
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "quatre-vingt": 80, "quatre-vingts": 80,
}  # fmt: skip
FR_SCALES = {"cent": 100, "cents": 100, "mille": 1000}


def _alternation(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_EN_WORD = _alternation([*SMALL_NUMBERS, *TENS, *SCALES, *ORDINALS, "and"])
EN_WORDS = rf"(?:{_EN_WORD})(?:(?:-|\s+)(?:{_EN_WORD}))*"
_FR_WORD = _alternation([*FR_UNITS, *FR_TENS, *FR_SCALES, "et"])
FR_WORDS = rf"(?:{_FR_WORD})(?:(?:-|\s+)(?:{_FR_WORD}))*"
FIGURE = r"\d{1,3}(?:,\d{3})+|\d{1,5}"
FR_FIGURE = r"\d{1,3}(?:[  .]\d{3})+|\d{1,5}"  # 1 000 or 1.000


def read_figure(text: str) -> int | None:
    """'135', '8,600', '8 600' (French), '30th', '1er'."""
    figure = re.fullmatch(r"([\d,.  ]+?)(?:st|nd|rd|th|er|e|ème)?", text)
    if figure is None or not figure[1][0].isdigit():
        return None
    digits = re.sub(r"[,.  ]", "", figure[1])
    return int(digits) if digits.isdigit() else None


def english_to_int(word: str) -> int | None:
    """'135', '8,600', '30th', 'twenty-one', 'a hundred', 'one hundred and thirtieth'."""
    if (figure := read_figure(word)) is not None:
        return figure
    tokens = re.split(r"[- ]+", word.strip())
    tokens[-1] = ORDINALS.get(tokens[-1], tokens[-1])
    return _english_tokens(tokens)


def _english_tokens(tokens: list[str]) -> int | None:
    total, current, previous = 0, 0, None
    for position, token in enumerate(tokens):
        if token == "and":
            if previous not in {"scale"} or position == len(tokens) - 1:
                return None
        elif token in {"a", "an"}:
            if position != 0 or (len(tokens) > 1 and tokens[1] not in SCALES):
                return None
            current = 1
        elif token in SMALL_NUMBERS:
            if previous not in {None, "scale", "and", "tens"}:
                return None
            if previous == "tens" and SMALL_NUMBERS[token] > 9:
                return None
            current += SMALL_NUMBERS[token]
        elif token in TENS:
            if previous not in {None, "scale", "and"}:
                return None
            current += TENS[token]
        elif token == "hundred":  # "one hundred", "twelve hundred"; never "thirty hundred"
            if previous not in {None, "small"} or current >= 20:
                return None
            current = (current or 1) * 100
        elif token == "thousand":
            if previous == "and" or total:
                return None
            total, current = (current or 1) * 1000, 0
        else:
            return None
        previous = _english_kind(token)
    return total + current


def _english_kind(token: str) -> str:
    if token == "and":
        return "and"
    if token in SCALES:
        return "scale"
    return "tens" if token in TENS else "small"


def french_ordinal_to_int(word: str) -> int | None:
    """'premier', 'dixième', 'quatre-vingt-dixième', 'vingt et unième', 'centième'."""
    if word in {"premier", "première", "1er", "1re"}:
        return 1
    if not word.endswith("ième"):
        return None
    stem = word.removesuffix("ième")
    for candidate in (
        stem,
        stem + "e",
        stem.replace("cinqu", "cinq"),
        stem.replace("neuv", "neuf"),
    ):
        if candidate and (value := french_to_int(candidate)) is not None:
            return value
    return None


def french_to_int(word: str) -> int | None:
    """'90', 'quatre-vingt-dix', 'soixante et onze', 'deux cents', 'mille trois cent cinq'."""
    if (figure := read_figure(word)) is not None:
        return figure
    text = re.sub(r"quatre[- ]+vingts?\b", "quatre-vingt", word.strip())
    tokens = [token for token in re.split(r"(?<!quatre)-|\s+", text) if token]
    reader = _FrenchReader()
    for token in tokens:
        if not reader.read(token):
            return None
    return reader.value()


class _FrenchReader:
    """Reads French number words one at a time, refusing what French does not write."""

    def __init__(self):
        self.thousands = self.hundreds = self.below = 0  # below: the part under a hundred
        self.previous: str | None = None  # "unit", "dix", "tens", "et", "cent", "mille"
        self.tens = 0

    def read(self, token: str) -> bool:
        if token == "et":
            ok = self.previous == "tens" and self.tens in {20, 30, 40, 50, 60}
            self.previous = "et"
            return ok
        if token in FR_UNITS:
            return self._unit(FR_UNITS[token])
        if token in FR_TENS:
            if self.previous not in {None, "cent", "mille"}:
                return False
            self.below, self.tens, self.previous = FR_TENS[token], FR_TENS[token], "tens"
            return True
        if token in {"cent", "cents"}:
            if self.hundreds or self.previous not in {None, "unit", "mille"} or self.below > 9:
                return False
            if token == "cents" and self.below < 2:
                return False
            self.hundreds, self.below, self.previous = (self.below or 1) * 100, 0, "cent"
            return True
        if token == "mille":
            if self.thousands or self.previous == "et":
                return False
            self.thousands = (self.hundreds + self.below) or 1
            self.hundreds = self.below = 0
            self.previous = "mille"
            return True
        return False

    def _unit(self, value: int) -> bool:
        previous = self.previous
        if previous in {None, "cent", "mille"}:
            allowed = True
        elif previous == "tens":  # soixante-douze, quatre-vingt-onze; vingt-trois
            allowed = value <= (16 if self.tens in {60, 80} else 9) and value != 1
        elif previous == "et":
            allowed = value in {1, 11}
        elif previous == "dix":  # dix-sept, soixante-dix-neuf
            allowed = value in {7, 8, 9}
        else:
            allowed = False
        if self.tens == 80 and previous == "tens" and value == 1:
            allowed = True  # quatre-vingt-un: no "et" after quatre-vingt
        self.below += value
        self.previous = "dix" if value == 10 else "unit"
        return allowed

    def value(self) -> int | None:
        if self.previous == "et":
            return None
        total = self.thousands * 1000 + self.hundreds + self.below
        return total or None
