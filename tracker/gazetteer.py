"""A small built-in gazetteer: the states and organisations that drafting can recognise.

Each entry maps the names a text uses for a party (its name, other names, demonyms, its
capital as a metonym: "Islamabad and Kabul agreed…") onto one short code. Codes are ISO
3166-1 alpha-3 for states and the usual acronym for organisations, so that they match the
codes editors already use (PAK, AFG). Matching is case-sensitive and on whole words, so that
"US" is the United States but "us" is not. Add an entry here when the drafting page misses
a party; nothing else needs to change.
"""

import re
from dataclasses import dataclass

from .models.agreements import Party

STATE = Party.Kind.STATE
ORGANISATION = Party.Kind.ORGANISATION


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


GAZETTEER: tuple[Entry, ...] = (
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
    Entry("SSD", "South Sudan", STATE, ("South Sudanese", "Juba")),
    Entry("ETH", "Ethiopia", STATE, ("Ethiopian", "Addis Ababa")),
    Entry("ERI", "Eritrea", STATE, ("Eritrean", "Asmara")),
    Entry("SOM", "Somalia", STATE, ("Somali", "Mogadishu")),
    Entry("NGA", "Nigeria", STATE, ("Nigerian", "Abuja")),
    Entry("UN", "United Nations", ORGANISATION, ("UN", "U.N.")),
    Entry("EU", "European Union", ORGANISATION, ("EU",)),
    Entry("NATO", "NATO", ORGANISATION, ("North Atlantic Treaty Organization",)),
    Entry("AU", "African Union", ORGANISATION),
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

BY_CODE: dict[str, Entry] = {entry.code: entry for entry in GAZETTEER}
_BY_ALIAS: dict[str, Entry] = {
    alias: entry for entry in GAZETTEER for alias in (entry.name, *entry.aliases)
}
# Longest names first, so that "South Sudan" is read before "Sudan" and "United States of
# America" before "United States".
_NAMES_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(alias) for alias in sorted(_BY_ALIAS, key=len, reverse=True))
    + r")(?!\w)"
)


def find_parties(text: str) -> list[tuple[Entry, int]]:
    """Every (entry, position) the text names, left to right."""
    return [(_BY_ALIAS[match.group()], match.start()) for match in _NAMES_RE.finditer(text)]


def proper_names() -> frozenset[str]:
    """Every word of every name: drafting keeps their capitals when it lowercases a title."""
    return frozenset(word for alias in _BY_ALIAS for word in re.findall(r"[\w.'’]+", alias))
