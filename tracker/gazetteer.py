"""The states, territories and organisations that drafting can recognise.

Every state and territory comes from maintained data: pycountry (ISO 3166-1: codes, names,
official and common names) and country-converter's table (the short and official names
people write: "DR Congo", "Ivory Coast"). Demonyms, capitals and the organisations are a
curated table below (`CURATED`), since no cheap maintained source has them. Each entry maps
the names a text uses for a party (its name, other names, demonyms, its capital as a
metonym: "Islamabad and Kabul agreed…") onto one short code. Codes are ISO 3166-1 alpha-3
for states and the usual acronym for organisations, so that they match the codes editors
already use (PAK, AFG). Matching is case-sensitive and on whole words, so that "US" is the
United States but "us" is not. Add a curated entry when the drafting page misses a party;
parties saved in the database are passed in by the caller (`extra`). Pure: no ORM, no
network; the tables and the pattern are built once per process.
"""

import csv
import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry

from .models.agreements import Party

STATE = Party.Kind.STATE
ORGANISATION = Party.Kind.ORGANISATION


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


CURATED: tuple[Entry, ...] = (
    Entry("AFG", "Afghanistan", STATE, ("Afghan", "Afghans", "Kabul")),
    Entry("PAK", "Pakistan", STATE, ("Pakistani", "Pakistanis", "Islamabad")),
    Entry("IND", "India", STATE, ("Indian", "New Delhi")),
    Entry("CHN", "China", STATE, ("People's Republic of China", "Chinese", "Beijing")),
    Entry(
        "USA",
        "United States",
        STATE,
        ("United States of America", "U.S.", "US", "USA", "American", "Washington"),
    ),
    Entry("IRN", "Iran", STATE, ("Islamic Republic of Iran", "Iranian", "Tehran")),
    Entry("RUS", "Russia", STATE, ("Russian Federation", "Russian", "Moscow", "Kremlin")),
    Entry("GBR", "United Kingdom", STATE, ("UK", "U.K.", "Britain", "British", "London")),
    Entry("TUR", "Türkiye", STATE, ("Turkey", "Turkish", "Ankara")),
    Entry("QAT", "Qatar", STATE, ("Qatari", "Doha")),
    Entry("SAU", "Saudi Arabia", STATE, ("Saudi", "Riyadh")),
    Entry("ARE", "United Arab Emirates", STATE, ("UAE", "Emirati", "Abu Dhabi")),
    Entry("TJK", "Tajikistan", STATE, ("Tajik", "Dushanbe")),
    Entry("UZB", "Uzbekistan", STATE, ("Uzbek", "Tashkent")),
    Entry("TKM", "Turkmenistan", STATE, ("Turkmen", "Ashgabat")),
    Entry("KAZ", "Kazakhstan", STATE, ("Kazakh", "Astana")),
    Entry("KGZ", "Kyrgyzstan", STATE, ("Kyrgyz", "Bishkek")),
    Entry("BGD", "Bangladesh", STATE, ("Bangladeshi", "Dhaka")),
    Entry("NPL", "Nepal", STATE, ("Nepali", "Nepalese", "Kathmandu")),
    Entry("LKA", "Sri Lanka", STATE, ("Sri Lankan", "Colombo")),
    Entry("BTN", "Bhutan", STATE, ("Bhutanese", "Thimphu")),
    Entry("MDV", "Maldives", STATE, ("Maldivian",)),
    Entry("MMR", "Myanmar", STATE, ("Burma", "Burmese")),
    Entry("ISR", "Israel", STATE, ("Israeli",)),
    Entry("PSE", "Palestine", STATE, ("Palestinian", "Palestinian Authority")),
    Entry("EGY", "Egypt", STATE, ("Egyptian", "Cairo")),
    Entry("JOR", "Jordan", STATE, ("Jordanian", "Amman")),
    Entry("SYR", "Syria", STATE, ("Syrian", "Damascus")),
    Entry("IRQ", "Iraq", STATE, ("Iraqi", "Baghdad")),
    Entry("LBN", "Lebanon", STATE, ("Lebanese", "Beirut")),
    Entry("YEM", "Yemen", STATE, ("Yemeni",)),
    Entry("OMN", "Oman", STATE, ("Omani", "Muscat")),
    Entry("KWT", "Kuwait", STATE, ("Kuwaiti",)),
    Entry("BHR", "Bahrain", STATE, ("Bahraini",)),
    Entry("UKR", "Ukraine", STATE, ("Ukrainian", "Kyiv")),
    Entry("DEU", "Germany", STATE, ("German", "Berlin")),
    Entry("FRA", "France", STATE, ("French", "Paris")),
    Entry("JPN", "Japan", STATE, ("Japanese", "Tokyo")),
    Entry("KOR", "South Korea", STATE, ("Republic of Korea", "South Korean", "Seoul")),
    Entry("PRK", "North Korea", STATE, ("DPRK", "North Korean", "Pyongyang")),
    Entry("ARM", "Armenia", STATE, ("Armenian", "Yerevan")),
    Entry("AZE", "Azerbaijan", STATE, ("Azerbaijani", "Baku")),
    Entry("COL", "Colombia", STATE, ("Colombian", "Bogotá", "Bogota")),
    Entry("SDN", "Sudan", STATE, ("Sudanese", "Khartoum")),
    Entry("SSD", "South Sudan", STATE, ("South Sudanese", "S. Sudan", "Juba")),
    Entry("ETH", "Ethiopia", STATE, ("Ethiopian", "Addis Ababa")),
    Entry("ERI", "Eritrea", STATE, ("Eritrean", "Asmara")),
    Entry("SOM", "Somalia", STATE, ("Somali", "Mogadishu")),
    Entry("NGA", "Nigeria", STATE, ("Nigerian", "Abuja")),
    Entry(
        "COD",
        "DR Congo",
        STATE,
        # Reuters and AP write "Congo" for the DRC and "Republic of Congo" for its neighbour.
        ("DRC", "D.R.C.", "Democratic Republic of Congo", "Congo", "Congolese", "Kinshasa"),
    ),
    Entry("COG", "Republic of the Congo", STATE, ("Republic of Congo", "Congo-Brazzaville")),
    Entry("RWA", "Rwanda", STATE, ("Rwandan", "Rwandans", "Kigali")),
    Entry("UGA", "Uganda", STATE, ("Ugandan", "Kampala")),
    Entry("KEN", "Kenya", STATE, ("Kenyan", "Nairobi")),
    Entry("SRB", "Serbia", STATE, ("Serbian", "Belgrade")),
    Entry("XKX", "Kosovo", STATE, ("Kosovar", "Pristina")),
    Entry("ZAF", "South Africa", STATE, ("South African", "Pretoria")),
    Entry("CIV", "Côte d'Ivoire", STATE, ("Côte d’Ivoire", "Ivory Coast", "Ivorian")),
    Entry("VEN", "Venezuela", STATE, ("Venezuelan", "Caracas")),
    Entry("CUB", "Cuba", STATE, ("Cuban", "Havana")),
    Entry("NOR", "Norway", STATE, ("Norwegian", "Oslo")),
    Entry("KHM", "Cambodia", STATE, ("Cambodian", "Phnom Penh")),
    Entry("THA", "Thailand", STATE, ("Thai", "Bangkok")),
    Entry("MYS", "Malaysia", STATE, ("Malaysian", "Kuala Lumpur")),
    Entry("PHL", "Philippines", STATE, ("Filipino", "Philippine", "Manila")),
    Entry("IDN", "Indonesia", STATE, ("Indonesian", "Jakarta")),
    Entry("TPLF", "Tigray People's Liberation Front", ORGANISATION, ("TPLF",)),
    Entry(
        "FARC",
        "FARC-EP",
        ORGANISATION,
        ("FARC", "Revolutionary Armed Forces of Colombia"),
    ),
    Entry("HAMAS", "Hamas", ORGANISATION),
    # The Doha agreement names the Taliban "the Islamic Emirate of Afghanistan which is not
    # recognized by the United States as a state": that name is the Taliban, not the state.
    Entry("TALIBAN", "Taliban", ORGANISATION, ("Islamic Emirate of Afghanistan",)),
    Entry(
        "SPLM-IO",
        "SPLM-IO",
        ORGANISATION,
        ("SPLM/A-IO", "SPLM-in-Opposition", "Sudan People's Liberation Movement-in-Opposition"),
    ),
    Entry("M23", "M23", ORGANISATION, ("March 23 Movement",)),
    Entry("SAF", "Sudanese Armed Forces", ORGANISATION, ("SAF",)),
    Entry("RSF", "Rapid Support Forces", ORGANISATION, ("RSF",)),
    Entry("UN", "United Nations", ORGANISATION, ("UN", "U.N.")),
    Entry("EU", "European Union", ORGANISATION, ("EU",)),
    Entry("NATO", "NATO", ORGANISATION, ("North Atlantic Treaty Organization",)),
    Entry("AU", "African Union", ORGANISATION, ("AU",)),
    Entry("ECOWAS", "ECOWAS", ORGANISATION, ("Economic Community of West African States",)),
    Entry("SADC", "SADC", ORGANISATION, ("Southern African Development Community",)),
    Entry("EAC", "East African Community", ORGANISATION, ("EAC",)),
    Entry("IGAD", "IGAD", ORGANISATION, ("Intergovernmental Authority on Development",)),
    Entry(
        "ICGLR",
        "ICGLR",
        ORGANISATION,
        ("International Conference on the Great Lakes Region",),
    ),
    Entry("OAS", "Organization of American States", ORGANISATION, ("OAS",)),
    Entry("LAS", "Arab League", ORGANISATION, ("League of Arab States",)),
    Entry(
        "SCO",
        "Shanghai Cooperation Organisation",
        ORGANISATION,
        ("Shanghai Cooperation Organization", "SCO"),
    ),
    Entry("ASEAN", "ASEAN", ORGANISATION, ("Association of Southeast Asian Nations",)),
    Entry(
        "SAARC",
        "SAARC",
        ORGANISATION,
        ("South Asian Association for Regional Cooperation",),
    ),
    Entry(
        "OIC",
        "Organisation of Islamic Cooperation",
        ORGANISATION,
        ("Organization of Islamic Cooperation", "OIC"),
    ),
    Entry("GCC", "Gulf Cooperation Council", ORGANISATION, ("GCC",)),
    Entry(
        "ECO",
        "Economic Cooperation Organization",
        ORGANISATION,
        ("Economic Cooperation Organisation",),
    ),
    Entry("OSCE", "OSCE", ORGANISATION, ("Organization for Security and Co-operation in Europe",)),
    Entry("IAEA", "IAEA", ORGANISATION, ("International Atomic Energy Agency",)),
    Entry(
        "ICRC",
        "International Committee of the Red Cross",
        ORGANISATION,
        ("ICRC", "Red Cross"),
    ),
    Entry("IMF", "International Monetary Fund", ORGANISATION, ("IMF",)),
    Entry("WB", "World Bank", ORGANISATION),
)

# Capitals stand for their government ("Kigali and Kinshasa agreed"), but "talks in Doha"
# names where the talks were held, not a party.
CAPITALS = frozenset(
    {
        "Kabul",
        "Islamabad",
        "New Delhi",
        "Beijing",
        "Washington",
        "Tehran",
        "Moscow",
        "London",
        "Ankara",
        "Doha",
        "Riyadh",
        "Abu Dhabi",
        "Dushanbe",
        "Tashkent",
        "Ashgabat",
        "Astana",
        "Bishkek",
        "Dhaka",
        "Kathmandu",
        "Colombo",
        "Thimphu",
        "Cairo",
        "Amman",
        "Damascus",
        "Baghdad",
        "Beirut",
        "Muscat",
        "Kyiv",
        "Berlin",
        "Paris",
        "Tokyo",
        "Seoul",
        "Pyongyang",
        "Yerevan",
        "Baku",
        "Bogotá",
        "Bogota",
        "Khartoum",
        "Juba",
        "Addis Ababa",
        "Asmara",
        "Mogadishu",
        "Abuja",
        "Kinshasa",
        "Kigali",
        "Kampala",
        "Nairobi",
        "Belgrade",
        "Pristina",
        "Pretoria",
        "Caracas",
        "Havana",
        "Oslo",
        "Phnom Penh",
        "Bangkok",
        "Kuala Lumpur",
        "Manila",
        "Jakarta",
    }
)


def _name_ok(name: str) -> bool:
    """ISO's inverted names ("Congo, The Democratic Republic of the") are never written, and
    a name with a lower-case article ("the State of Eritrea") is found without it."""
    return bool(name) and name[0].isupper() and "," not in name and "(" not in name


@functools.cache
def _maintained() -> tuple[Entry, ...]:
    """One entry per ISO 3166-1 state or territory, from pycountry and country-converter."""
    names: dict[str, list[str]] = {}
    for country in pycountry.countries:
        for attribute in ("common_name", "name", "official_name"):
            name = getattr(country, attribute, "")
            if _name_ok(name):
                names.setdefault(country.alpha_3, []).append(name)
    # Found without importing the package, which would load pandas for one table.
    spec = importlib.util.find_spec("country_converter")
    table = Path(spec.origin).parent / "country_data.tsv"
    with table.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            code = row["ISO3"]
            if len(code) == 3 and code.isalpha():
                # The short name ends up first: it names the party ("Cambodia", not
                # "Kingdom of Cambodia").
                for name in (row["name_official"], row["name_short"]):
                    if _name_ok(name):
                        names.setdefault(code, []).insert(0, name)
    return tuple(
        Entry(code, found[0], STATE, tuple(dict.fromkeys(found[1:])))
        for code, found in names.items()
    )


@functools.cache
def gazetteer() -> tuple[Entry, ...]:
    """Curated entries, each with the maintained names of its code; then the other states."""
    maintained = {entry.code: entry for entry in _maintained()}
    merged = []
    for entry in CURATED:
        other = maintained.pop(entry.code, None)
        extra = (other.name, *other.aliases) if other else ()
        aliases = tuple(dict.fromkeys(a for a in (*entry.aliases, *extra) if a != entry.name))
        merged.append(Entry(entry.code, entry.name, entry.kind, aliases))
    return (*merged, *maintained.values())


@functools.cache
def _by_alias() -> dict[str, Entry]:
    by_alias: dict[str, Entry] = {}
    for entry in gazetteer():
        for alias in (entry.name, *entry.aliases):
            by_alias.setdefault(alias, entry)  # a curated entry keeps a name it shares
    return by_alias


def _pattern(aliases) -> re.Pattern:
    # Longest names first, so that "South Sudan" is read before "Sudan" and "United States
    # of America" before "United States".
    return re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(alias) for alias in sorted(aliases, key=len, reverse=True))
        + r")(?!\w)"
    )


@functools.cache
def _names_re() -> re.Pattern:
    return _pattern(_by_alias())


@functools.lru_cache(maxsize=4)
def _lookup(extra: tuple[Entry, ...]) -> tuple[dict[str, Entry], re.Pattern]:
    """Names and their pattern; cached, since a draft scans every line with the same extra."""
    if not extra:
        return _by_alias(), _names_re()
    extra_by_alias = {alias: e for e in extra for alias in (e.name, *e.aliases)}
    by_alias = {**extra_by_alias, **_by_alias()}
    return by_alias, _pattern(by_alias)


def find_parties(text: str, extra: tuple[Entry, ...] = ()) -> list[tuple[Entry, int]]:
    """Every (entry, position) the text names, left to right."""
    return [(entry, start) for entry, start, _ in find_spans(text, extra)]


def find_spans(text: str, extra: tuple[Entry, ...] = ()) -> list[tuple[Entry, int, int]]:
    """Every (entry, start, end) the text names, left to right. `extra` adds the names of
    parties the caller knows (those saved in the database); a built-in name keeps its entry,
    since saving a draft matches a saved party by name as well as by code."""
    by_alias, pattern = _lookup(extra)
    found = [(by_alias[m.group()], m.start(), m.end()) for m in pattern.finditer(text)]
    return [span for i, span in enumerate(found) if not _inside_defined_name(text, found, i)]


# "Sudanese People's Liberation Movement-in-Opposition (SPLM-IO)": a name written out before
# the acronym it defines is one mention of that party, and the state or demonym inside it
# ("Sudanese", "Rwanda" in "Democratic Forces for the Liberation of Rwanda (FDLR)") is none.
_DEFINED_RE = re.compile(r"[^,.;:()\n]{0,80}?\(\s*([^()]{1,40}?)\s*\)")
_NOT_ONE_NAME_RE = re.compile(r"\b(?:and|with|between|against|or|by)\b")


def _inside_defined_name(text: str, found: list, index: int) -> bool:
    entry, start, end = found[index]
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")" and index:
        before, _, before_end = found[index - 1]
        if before is entry and not text[before_end : start - 1].strip():
            return True  # "Intergovernmental Authority on Development (IGAD)": once
    match = _DEFINED_RE.match(text, end)
    if match is None or _NOT_ONE_NAME_RE.search(text, end, match.start(1)):
        return False
    # The only name between this one and the closing bracket is the one the brackets hold.
    following = found[index + 1 : index + 3]
    inside = [span for span in following if span[1] < match.end()]
    if len(inside) != 1:
        return False
    defined, defined_start, defined_end = inside[0]
    return (
        defined is not entry
        and defined.kind == ORGANISATION
        and (defined_start, defined_end) == match.span(1)
    )


@functools.cache
def proper_names() -> frozenset[str]:
    """Every word of every name: drafting keeps their capitals when it lowercases a title."""
    return frozenset(word for alias in _by_alias() for word in re.findall(r"[\w.'’]+", alias))
