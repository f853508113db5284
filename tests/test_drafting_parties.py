"""Parties and titles from short paraphrased news excerpts about real agreements.

Each excerpt is written for these tests (not copied) after the reporting on the agreement
named in its id. The title is drafted from the parties because the excerpts have no headline.
"""

import pytest

from tracker.drafting import draft_from_text
from tracker.gazetteer import Entry

ARTICLES = {
    "drc-rwanda-washington-2025": (
        "Rwanda and the Democratic Republic of the Congo signed a peace agreement on Friday, "
        "brokered by the United States. The deal was signed in Washington. Kinshasa and "
        "Kigali agreed to set up a joint security coordination mechanism within 30 days.",
        ["RWA", "COD"],
        ["USA"],
    ),
    "armenia-azerbaijan-washington-2025": (
        "The leaders of Armenia and Azerbaijan initialled a peace deal at the White House, "
        "in the presence of the United States. Yerevan and Baku committed to open transport "
        "links within six months.",
        ["ARM", "AZE"],
        ["USA"],
    ),
    "ethiopia-tplf-pretoria-2022": (
        "The Ethiopian government and the TPLF signed a cessation of hostilities in Pretoria, "
        "in talks mediated by the African Union. The TPLF agreed to disarm within 30 days.",
        ["ETH", "TPLF"],
        ["AU"],
    ),
    "colombia-farc-havana-2016": (
        "The agreement between Colombia and the FARC, with Cuba and Norway as guarantors, "
        "ends five decades of conflict. The FARC will hand over its weapons within 180 days.",
        ["COL", "FARC"],
        ["CUB", "NOR"],
    ),
    "israel-hamas-ceasefire-2025": (
        "Israel and Hamas agreed to the first phase of a ceasefire, with Egypt, Qatar and "
        "Turkey mediating. Hamas will release the hostages within 72 hours; Israel will "
        "withdraw its forces to an agreed line.",
        ["ISR", "HAMAS"],
        ["EGY", "QAT", "TUR"],
    ),
    "sudan-jeddah-2023": (
        "The Sudanese Armed Forces and the Rapid Support Forces signed a declaration in "
        "Jeddah, facilitated by Saudi Arabia and the United States. The SAF and the RSF "
        "committed to protect civilians and to allow humanitarian access within 7 days.",
        ["SAF", "RSF"],
        ["SAU", "USA"],
    ),
    "serbia-kosovo-ohrid-2023": (
        "Serbia and Kosovo reached an agreement in Ohrid on implementing the EU-brokered "
        "plan. Belgrade and Pristina will set up a joint monitoring committee within 30 days.",
        ["SRB", "XKX"],
        ["EU"],
    ),
    "pakistan-afghanistan-doha-2025": (
        "Pakistan and Afghanistan agreed to an immediate ceasefire after talks in Doha "
        "mediated by Qatar and Turkey. Islamabad and Kabul will meet again in Istanbul "
        "next week to set up mechanisms to keep the truce.",
        ["PAK", "AFG"],
        ["QAT", "TUR"],
    ),
    "saudi-iran-beijing-2023": (
        "Saudi Arabia and Iran agreed to restore diplomatic relations in a deal brokered by "
        "China. Riyadh and Tehran will reopen their embassies within two months.",
        ["SAU", "IRN"],
        ["CHN"],
    ),
    "russia-ukraine-grain-istanbul-2022": (
        "Russia and Ukraine signed separate deals in Istanbul with Turkey and the UN acting "
        "as mediators. Ukrainian ports will resume grain exports, and a joint coordination "
        "centre will be set up within days. Moscow and Kyiv agreed to a 120-day term.",
        ["RUS", "UKR"],
        ["TUR", "UN"],
    ),
    "drc-m23-doha-2025": (
        "Congolese officials and the M23 signed a declaration of principles in Doha with "
        "Qatari mediation. Kinshasa and the M23 agreed to a permanent ceasefire.",
        ["COD", "M23"],
        ["QAT"],
    ),
}


@pytest.mark.parametrize(("text", "agreed", "mediators"), ARTICLES.values(), ids=ARTICLES.keys())
def test_it_suggests_the_parties_that_agreed(text, agreed, mediators):
    draft = draft_from_text(text)
    assert sorted(draft.suggested_party_codes) == sorted(agreed)


@pytest.mark.parametrize(("text", "agreed", "mediators"), ARTICLES.values(), ids=ARTICLES.keys())
def test_it_marks_mediators_and_does_not_suggest_them(text, agreed, mediators):
    parties = {party.code: party for party in draft_from_text(text).parties}
    for code in mediators:
        assert not parties[code].suggested
        assert parties[code].mediator


@pytest.mark.parametrize(("text", "agreed", "mediators"), ARTICLES.values(), ids=ARTICLES.keys())
def test_it_titles_the_draft_after_the_parties_not_the_mediators(text, agreed, mediators):
    draft = draft_from_text(text)
    names = {party.code: party.name for party in draft.parties}
    assert all(names[code] in draft.title for code in agreed)
    assert not any(names[code] in draft.title for code in mediators)


@pytest.mark.parametrize(
    "name",
    [
        "DR Congo",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "DRC",
        "Kinshasa",
        "Congolese",
        "Congo",
    ],
)
def test_it_reads_every_name_of_the_drc(name):
    draft = draft_from_text(f"{name} and Rwanda signed a deal.")
    assert draft.suggested_party_codes == ["COD", "RWA"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ivory Coast and Ghana signed a deal.", "CIV"),
        ("Côte d'Ivoire and Ghana signed a deal.", "CIV"),
        ("Burma and Thailand signed a deal.", "MMR"),
        ("Myanmar and Thailand signed a deal.", "MMR"),
        ("Burkina Faso and Ghana signed a deal.", "BFA"),
    ],
)
def test_it_reads_states_outside_the_curated_list(text, code):
    assert code in draft_from_text(text).suggested_party_codes


def test_it_reads_parties_the_caller_passes_in():
    text = "The Alliance Fleuve Congo and Kinshasa signed a truce."
    extra = (Entry("AFC", "Alliance Fleuve Congo", "organisation"),)
    draft = draft_from_text(text, extra_parties=extra)
    assert draft.suggested_party_codes == ["AFC", "COD"]


def test_it_tells_the_republic_of_congo_from_the_drc():
    draft = draft_from_text("The Republic of Congo and Angola signed a deal.")
    assert draft.suggested_party_codes == ["COG", "AGO"]


def test_it_reads_a_headline_that_names_the_mediator_first():
    text = "Qatar-brokered truce: Pakistan and Afghanistan agree to stop fighting\nQatar said…"
    draft = draft_from_text(text)
    assert draft.suggested_party_codes == ["PAK", "AFG"]


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        # envoys named between the parties and the verb
        (
            "U.S. special envoy Zalmay Khalilzad and Taliban political chief Mullah Abdul "
            "Ghani Baradar signed the agreement.",
            ["USA", "TALIBAN"],
        ),
        # a state in the written-out name of a group is not that state
        (
            "South Sudan and the Sudanese People's Liberation Movement-in-Opposition "
            "(SPLM/A-IO) signed a deal.",
            ["SSD", "SPLM-IO"],
        ),
        # a host that "agreed to host" the talks did not agree to the deal
        (
            "Ethiopia and the TPLF signed a deal.\n"
            "The talks began after Kenya agreed to host them.",
            ["ETH", "TPLF"],
        ),
    ],
)
def test_it_reads_who_signed_in_reported_speech(text, suggested):
    draft = draft_from_text(text)
    assert draft.suggested_party_codes == suggested
    assert [party.code for party in draft.parties if not party.mediator] == suggested


def test_it_counts_a_name_and_its_acronym_once():
    draft = draft_from_text("The Intergovernmental Authority on Development (IGAD) met.")
    assert [(party.code, party.mentions) for party in draft.parties] == [("IGAD", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "Rwanda and Burundi met in the Kenyan capital Nairobi.",
        "Rwanda and Burundi signed a deal in Kenya.",
        "The bloc is based in Kenya. Rwanda and Burundi signed.",
    ],
)
def test_it_reads_a_state_named_as_the_place_as_a_venue(text):
    parties = {party.code: party for party in draft_from_text(text).parties}
    assert "KEN" not in parties
    assert draft_from_text(text).suggested_party_codes == ["RWA", "BDI"]


def test_it_names_a_state_by_its_short_name():
    draft = draft_from_text("Cambodia and Thailand signed a ceasefire.")
    assert [party.name for party in draft.parties] == ["Cambodia", "Thailand"]
