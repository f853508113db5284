"""Drafting commitments from a pasted article: the seed article, small hand-written texts,
and any text at all (it never raises, and every timeline it proposes reads or is flagged)."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import deadlines
from tracker.drafting import Found, draft_from_text, next_block, suggest_theme
from tracker.models import Theme
from tracker.textlines import text_lines

SEED = (Path(__file__).parent / "data" / "seed-article-pakistan-afghanistan.txt").read_text()


@pytest.fixture(scope="module")
def seed_draft():
    return draft_from_text(SEED)


def by_title(draft):
    return {proposal.title: proposal for proposal in draft.proposals}


# ---------------------------------------------------------------------------------------------
# The seed article

SEED_PROPOSALS = [
    # reference, title, timeline as found, theme, where, ticked at first
    ("1.1", "Improved intelligence exchange", "", Theme.INTELLIGENCE, Found.LIST, True),
    ("1.2", "Coordinated military operations", "", Theme.JOINT_OPERATIONS, Found.LIST, True),
    # "Regular High-Level consultations: A commitment has been made to hold frequent meetings…"
    (
        "1.3",
        "Regular high-level consultations",
        "Regular High-Level consultations",
        Theme.DIALOGUE,
        Found.LIST,
        True,
    ),
    # "…, another meeting is scheduled next month with an agenda…"
    (
        "2.1",
        "Another meeting is scheduled with an agenda focused on establishing specific "
        "benchmarks and timelines for implementing agreed-upon actions",
        "next month",
        Theme.DIALOGUE,
        Found.SENTENCE,
        True,
    ),
    ("3.1", "Create joint border patrols", "Within 3 months", Theme.BORDER, Found.TABLE, True),
    (
        "3.2",
        "Create communication networks",
        "Within 1 month",
        Theme.COMMUNICATIONS,
        Found.TABLE,
        True,
    ),
    ("4.1", "Surge in joint military exercises", "", Theme.JOINT_OPERATIONS, Found.LIST, True),
    (
        "4.2",
        "Escalation of intelligence-sharing protocols",
        "",
        Theme.INTELLIGENCE,
        Found.LIST,
        True,
    ),
    (
        "4.3",
        "Formation of specialized task forces",
        "",
        Theme.JOINT_OPERATIONS,
        Found.LIST,
        True,
    ),
    # "Key steps might involve:" and "A clear roadmap could encompass:" only suggest.
    ("5.1", "Cyclical high-level dialogues", "", Theme.DIALOGUE, Found.LIST, False),
    ("5.2", "Community outreach programs", "", Theme.COMMUNITY, Found.LIST, False),
    ("5.3", "Cross-border trade projects", "", Theme.TRADE, Found.LIST, False),
    ("6.1", "Intelligence collaboration", "", Theme.INTELLIGENCE, Found.TABLE, False),
    ("6.2", "Joint military drills", "", Theme.JOINT_OPERATIONS, Found.TABLE, False),
    ("6.3", "Public awareness campaigns", "", Theme.PUBLIC_AWARENESS, Found.TABLE, False),
]


@pytest.mark.parametrize(
    ("reference", "title", "wording", "theme", "found_in", "ticked"), SEED_PROPOSALS
)
def test_it_proposes_each_seed_commitment(
    seed_draft, reference, title, wording, theme, found_in, ticked
):
    proposal = by_title(seed_draft)[title]
    assert (proposal.reference, proposal.timeline_wording, proposal.theme) == (
        reference,
        wording,
        theme,
    )
    assert (proposal.found_in, proposal.suggested_include) == (found_in, ticked)


def test_it_proposes_nothing_else_from_the_seed(seed_draft):
    assert [p.title for p in seed_draft.proposals] == [row[1] for row in SEED_PROPOSALS]


def test_it_reads_every_seed_timeline(seed_draft):
    assert all(not proposal.timeline_problem for proposal in seed_draft.proposals)
    patrols = by_title(seed_draft)["Create joint border patrols"]
    assert deadlines.parse_timeline(patrols.timeline_wording).months == 3


def test_it_keeps_the_text_after_the_colon_as_the_description(seed_draft):
    assert by_title(seed_draft)["Improved intelligence exchange"].description == (
        "Both nations will enhance communication regarding terrorist activities and movements."
    )
    assert by_title(seed_draft)["Surge in joint military exercises"].description == (
        "Focusing specifically on counterterrorism tactics."
    )


def test_it_cleans_the_stray_html_out_of_the_seed(seed_draft):
    for proposal in seed_draft.proposals:
        for text in (proposal.title, proposal.description):
            assert not re.search(r"[<>$]|\b(?:td|th|tr|li|b)\b|:,| [.,:]", text), text


def test_it_says_why_hedged_seed_items_are_unticked(seed_draft):
    notes = by_title(seed_draft)["Joint military drills"].notes
    assert notes == ("Unticked: the text only says these might be done.",)


def test_it_suggests_the_seed_parties_title_and_summary(seed_draft):
    assert seed_draft.suggested_party_codes == ["PAK", "AFG"]
    assert seed_draft.title == "Pakistan and Afghanistan Unite to Combat Cross-Border Terrorism"
    assert seed_draft.summary.startswith("In a landmark diplomatic achievement, Pakistan and")


# ---------------------------------------------------------------------------------------------
# Cleaning the text

LINES = [
    ("< b >Bold< / b > text", ["Bold text"]),
    ("li > - Trade projects : b >Encourage trade", ["- Trade projects: Encourage trade"]),
    ("one<br />two< br />three", ["one", "two", "three"]),
    ("<ul><li>One</li><li>Two</li></ul>After", ["- One", "- Two", "", "After"]),
    ("Strategy th > < b >Description th >\n< / tr >", ["| Strategy | Description |"]),
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c<td>d</table>", ["| a | b |", "| c | d |"]),
    ("< td >. . $ $ - - Aware\n< / td >< td >Educate< / td ></tr>", ["| Aware | Educate |"]),
    ("exercises:, focusing", ["exercises: focusing"]),
    ("effectively,Pakistan and AT&amp;T", ["effectively, Pakistan and AT&T"]),
    ("<script>alert(1)</script>Hello<!-- note -->", ["Hello"]),
    ("first\n\n\n\nsecond", ["first", "", "second"]),
    ("* star\n• dot\n1. one\n- - double", ["- star", "- dot", "- one", "- double"]),
    ("x < 5 and y > 3", ["x < 5 and y > 3"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "lines"), LINES)
def test_it_cleans_text_into_lines(text, lines):
    assert text_lines(text) == lines


# ---------------------------------------------------------------------------------------------
# Small hand-written texts

HTML_TABLE = """<h1>India and China agree border protocol</h1>
<p>The two sides agreed on the following measures:</p>
<table><thead><tr><th>Measure</th><th>Responsible</th><th>Deadline</th></tr></thead>
<tbody><tr><td>Open a hotline between commanders</td><td>India</td><td>within 30 days</td></tr>
<tr><td>Withdraw troops from the valley</td><td>India, China</td><td>by 10 March 2020</td></tr>
<tr><td>Hold a review meeting</td><td>China</td><td>Q3 2020</td></tr></tbody></table>"""

BULLETS = """The parties will undertake the following actions:
* Create joint border patrols within 3 months
* Share intelligence on militant movements
"""

SENTENCES = (
    "Iran will release the detained sailors within 14 days of signing. Both sides agreed "
    "to exchange prisoners by 10 March 2020. Officials said the mood was good. Within 3 "
    "months, the United States will lift the freeze on the accounts."
)

TEXTS = [
    # text, [(title, timeline as found, found in, parties named by the item)]
    (
        HTML_TABLE,
        [
            ("Open a hotline between commanders", "within 30 days", Found.TABLE, ("IND",)),
            ("Withdraw troops from the valley", "by 10 March 2020", Found.TABLE, ("IND", "CHN")),
            ("Hold a review meeting", "Q3 2020", Found.TABLE, ("CHN",)),
        ],
    ),
    (
        "Action | By when\n--|--\nOpen the crossing | immediately\nTrain officers | within 2 weeks",
        [
            ("Open the crossing", "immediately", Found.TABLE, ()),
            ("Train officers", "within 2 weeks", Found.TABLE, ()),
        ],
    ),
    (
        # no header: the column of readable timelines makes it a table of commitments
        "Open the crossing | within 3 months\nTrain officers | within 135 days",
        [
            ("Open the crossing", "within 3 months", Found.TABLE, ()),
            ("Train officers", "within 135 days", Found.TABLE, ()),
        ],
    ),
    (
        BULLETS,
        [
            ("Create joint border patrols", "within 3 months", Found.LIST, ()),
            ("Share intelligence on militant movements", "", Found.LIST, ()),
        ],
    ),
    (
        SENTENCES,
        [
            ("Release the detained sailors", "within 14 days of signing", Found.SENTENCE, ("IRN",)),
            ("Exchange prisoners", "by 10 March 2020", Found.SENTENCE, ()),
            ("Lift the freeze on the accounts", "Within 3 months", Found.SENTENCE, ("USA",)),
        ],
    ),
    ("Participants included:\n- The foreign minister\n- The army chief", []),
    ("Country | Population\nPakistan | 240 million\nAfghanistan | 41 million", []),
    ("Two years after the war, the region is calm.", []),
    ("The deal was signed by 12 ministers in 2020.", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_it_proposes_commitments_from_small_texts(text, expected):
    draft = draft_from_text(text)
    found = [(p.title, p.timeline_wording, p.found_in, p.party_codes) for p in draft.proposals]
    assert found == expected


RELATIVE = [
    # relative wording dates a sentence that promises something or schedules a meeting
    ("Talks will resume next week.", "Talks will resume", "next week"),
    ("The two ministers are expected to meet again next month.", "Meet again", "next month"),
    (
        "Pakistan will reopen the Torkham crossing in the coming weeks.",
        "Reopen the Torkham crossing",
        "in the coming weeks",
    ),
    (
        "India and Pakistan agreed to resume trade talks by the end of the year.",
        "Resume trade talks",
        "by the end of the year",
    ),
    (
        "Officials said a follow-up summit is planned for early next year.",
        "Follow-up summit is planned",
        "early next year",
    ),
]


@pytest.mark.parametrize(("text", "title", "wording"), RELATIVE)
def test_it_reads_relative_timeline_wording_in_a_promise_or_a_meeting(text, title, wording):
    (proposal,) = draft_from_text(text).proposals
    assert (proposal.title, proposal.timeline_wording) == (title, wording)


@pytest.mark.parametrize(
    "text",
    [
        "The economy grew last month and next month looks good.",
        "Prices rose in the coming weeks after the flood.",
        "By the end of the year the snow had closed the pass.",
    ],
)
def test_it_ignores_relative_wording_in_a_sentence_that_promises_nothing(text):
    assert draft_from_text(text).proposals == ()


def test_it_takes_relative_wording_out_of_a_list_item():
    text = "Key measures:\n- Open a hotline next month\n- Share data"
    titles = [(p.title, p.timeline_wording) for p in draft_from_text(text).proposals]
    assert titles == [("Open a hotline", "next month"), ("Share data", "")]


PROMISED = [
    # text, title, wording as found, how the engine reads it
    (
        "The ministers will meet annually.",
        "Ministers will meet",
        "annually",
        "every year (annually)",
    ),
    (
        "The two sides agreed to hold quarterly meetings.",
        "Hold quarterly meetings",
        "quarterly meetings",
        "every 3 months (quarterly)",
    ),
    (
        "The commission will report every six months.",
        "Commission will report",
        "every six months",
        "every 6 months (twice a year)",
    ),
    (
        "The parties will review the agreement each year on 1 March.",
        "Review the agreement",
        "each year on 1 March",
        "each year on 1 March",
    ),
    (
        "A summit will be held every two years starting in 2027.",
        "Summit will be held",
        "every two years starting in 2027",
        "every 2 years, starting 1 January 2027",
    ),
    (
        "Both nations agreed to hold regular high-level consultations.",
        "Hold regular high-level consultations",
        "regular high-level consultations",
        "regularly, with no fixed interval",
    ),
    (
        "A follow-up meeting is scheduled annually in Doha.",
        "Follow-up meeting is scheduled in Doha",
        "annually",
        "every year (annually)",
    ),
    (
        "The joint committee will meet every other month, starting from the entry into force.",
        "Joint committee will meet",
        "every other month, starting from the entry into force",
        "every 2 months, from the entry into force",
    ),
    (
        "The parties shall withdraw immediately.",
        "Parties shall withdraw",
        "immediately",
        "no fixed date, expected promptly",
    ),
    (
        "The council will meet quarterly to review progress.",
        "Meet to review progress",
        "quarterly",
        "every 3 months (quarterly)",
    ),
    (
        "Troops shall be withdrawn forthwith.",
        "Troops shall be withdrawn",
        "forthwith",
        "no fixed date, expected promptly",
    ),
    (
        "Israel will release the hostages without delay.",
        "Release the hostages",
        "without delay",
        "no fixed date, expected promptly",
    ),
    (
        "The sides will resume talks at the earliest opportunity.",
        "Resume talks",
        "at the earliest opportunity",
        "no fixed date, expected promptly",
    ),
    (
        "Both sides will withdraw their forces immediately upon entry into force.",
        "Withdraw their forces",
        "immediately upon entry into force",
        "no fixed date, expected promptly after the entry into force",
    ),
    (
        "The ceasefire will take effect upon ratification.",
        "Take effect",
        "upon ratification",
        "on the ratification",
    ),
    (
        "Prisoners will be released 30 days after the entry into force.",
        "Prisoners will be released",
        "30 days after the entry into force",
        "30 days after the entry into force",
    ),
    (
        "The summit will be held annually in Doha.",
        "Summit will be held in Doha",
        "annually",
        "every year (annually)",
    ),
    (
        "Prisoners will be immediately released.",
        "Prisoners will be released",
        "immediately",
        "no fixed date, expected promptly",
    ),
    (
        "Both sides will hold talks on 1 March each year, the foreign ministry said on Friday.",
        "Hold talks",
        "on 1 March each year",
        "each year on 1 March",
    ),
    (
        "The commission will be established on the entry into force.",
        "Commission will be established",
        "on the entry into force",
        "on the entry into force",
    ),
    (
        "The parties will resume talks as soon as possible.",
        "Resume talks",
        "as soon as possible",
        "no fixed date, expected promptly",
    ),
    (
        "The parties will hold consultations at least twice a year.",
        "Hold consultations",
        "at least twice a year",
        "every 6 months (twice a year)",
    ),
    (
        "The commission shall report to the council on 1 March each year.",
        "Report to the council",
        "on 1 March each year",
        "each year on 1 March",
    ),
    (
        "Les ministres se réuniront tous les six mois.",
        "Les ministres se réuniront",
        "tous les six mois",
        "every 6 months (twice a year)",
    ),
    (
        "Les parties ont convenu de tenir des réunions mensuelles.",
        "Les parties ont convenu de tenir des réunions mensuelles",
        "réunions mensuelles",
        "every month (monthly)",
    ),
    (
        "Le gouvernement retirera ses troupes sans délai.",
        "Le gouvernement retirera ses troupes",
        "sans délai",
        "no fixed date, expected promptly",
    ),
    (
        "Les prisonniers seront libérés dans les 90 jours suivant la signature.",
        "Les prisonniers seront libérés",
        "dans les 90 jours suivant la signature",
        "90 days after the signing",
    ),
    (
        "Les otages seront libérés dans les trente (30) jours à compter de l'entrée en vigueur.",
        "Les otages seront libérés",
        "dans les trente (30) jours à compter de l'entrée en vigueur",
        "30 days after the entrée en vigueur",
    ),
    (
        "Les parties se réuniront chaque année.",
        "Les parties se réuniront",
        "chaque année",
        "every year (annually)",
    ),
    (
        "Les troupes seront retirées dans un délai de trois mois.",
        "Les troupes seront retirées",
        "dans un délai de trois mois",
        "3 months after the signing",
    ),
]


@pytest.mark.parametrize(("text", "title", "wording", "reading"), PROMISED)
def test_it_reads_recurring_prompt_and_event_wording_in_a_promise(text, title, wording, reading):
    (proposal,) = draft_from_text(text).proposals
    assert (proposal.title, proposal.timeline_wording) == (title, wording)
    assert (proposal.timeline_reading, proposal.timeline_problem) == (reading, "")


@pytest.mark.parametrize(
    "text",
    [
        "The talks were held annually.",
        "The ministers met quarterly.",
        "The ministers used to meet annually.",
        "The talks, held annually since 2010, will continue.",
        "The parties regularly violated the ceasefire, and will now withdraw.",
        "The summit was held on a regular basis.",
        "Immediately after the talks ended, officials said the mood was good.",
        "Immediately after the talks ended, officials said they will stay in Doha.",
        "The economy grows annually by 3 percent.",
        "Indira said the talks happen annually.",
        "The government will pay monthly salaries to the fighters.",
        "The UN calls upon the parties to withdraw.",
        "Les parties se sont réunies chaque année.",
        "La guerre a commencé dans les années 1990.",
    ],
)
def test_it_ignores_recurring_and_prompt_wording_that_promises_nothing(text):
    assert draft_from_text(text).proposals == ()


def test_it_keeps_a_bracketed_signing_in_the_wording_without_a_note():
    text = "Israel will release the prisoners within 10 days (from the date of signature)."
    (proposal,) = draft_from_text(text).proposals
    assert proposal.timeline_wording == "within 10 days (from the date of signature)"
    assert proposal.timeline_reading == "10 days after the signing"
    assert proposal.notes == ()


def test_it_reads_immediately_before_a_place_as_no_timeline():
    text = "Troops will withdraw from the areas immediately adjacent to the border."
    assert draft_from_text(text).proposals == ()


def test_it_prefers_the_promise_to_what_was_done_in_the_same_sentence():
    (proposal,) = draft_from_text(
        "The talks, which were held annually, will resume next week."
    ).proposals
    assert proposal.timeline_wording == "next week"


def test_it_keeps_the_bracketed_event_in_the_wording_and_out_of_the_title():
    text = (
        "Talks will open within three months (counted from the start of intra-Afghan negotiations)."
    )
    (proposal,) = draft_from_text(text).proposals
    assert proposal.title == "Talks will open"
    assert proposal.timeline_wording == (
        "within three months (counted from the start of intra-Afghan negotiations)"
    )
    assert proposal.timeline_reading == "3 months after the start of intra-Afghan negotiations"
    assert proposal.notes == (
        "The text counts this from “the start of intra-Afghan negotiations”; saved, it waits for "
        "that event: date its milestone when it happens.",
    )


def test_it_takes_recurring_and_prompt_wording_out_of_a_list_item():
    text = (
        "Key measures:\n- Withdraw troops immediately\n- Hold quarterly meetings\n"
        "- Exchange prisoners upon ratification\n- Talks were held annually"
    )
    found = [(p.title, p.timeline_wording) for p in draft_from_text(text).proposals]
    assert found == [
        ("Withdraw troops", "immediately"),
        ("Hold quarterly meetings", "quarterly meetings"),
        ("Exchange prisoners", "upon ratification"),
        ("Talks were held annually", ""),
    ]


FLAGGED = [
    # timeline wording the engine cannot read is proposed with the reason beside it
    ("Pakistan will fence the border by 2021.", "by 2021"),
    ("Both sides will hold talks by 31 February 2021.", "by 31 February 2021"),
    ("Action | Timeline\nOpen the crossing | Q3 2020", "Q3 2020"),
    ("Pakistan will reopen the crossing in the coming weeks.", "in the coming weeks"),
    ("Both sides agreed to meet by the end of the year.", "by the end of the year"),
]


@pytest.mark.parametrize(("text", "wording"), FLAGGED)
def test_it_flags_timelines_the_engine_cannot_read(text, wording):
    (proposal,) = draft_from_text(text).proposals
    assert proposal.timeline_wording == wording
    assert proposal.timeline_problem.startswith(f"“{wording}” ")


def test_it_notes_a_timeline_counted_from_another_event():
    text = "The parties will hold talks three months after the talks start."
    (proposal,) = draft_from_text(text).proposals
    assert proposal.timeline_wording == "three months after the talks start"
    assert proposal.notes == (
        "The text counts this from “the talks start”; saved, it waits for that event: date its "
        "milestone when it happens.",
    )


def test_it_says_how_the_engine_reads_each_timeline():
    text = "The parties will hold talks three months after the talks start."
    (proposal,) = draft_from_text(text).proposals
    assert proposal.timeline_reading == "3 months after the talks start"
    assert proposal.timeline_problem == ""


def test_it_merges_near_identical_proposals_keeping_the_timeline():
    text = "Key measures:\n- Create Joint Border Patrols\n\nAction | Timeline\n--|--\n" + (
        "Create joint border patrol | Within 3 months"
    )
    (proposal,) = draft_from_text(text).proposals
    assert (proposal.title, proposal.timeline_wording) == (
        "Create joint border patrols",
        "Within 3 months",
    )
    assert proposal.notes == ("Also found in a table: “Create joint border patrol”.",)


def test_it_keeps_items_that_differ_by_a_number():
    text = "Key measures:\n- Release 100 prisoners\n- Release 200 prisoners"
    assert [p.title for p in draft_from_text(text).proposals] == [
        "Release 100 prisoners",
        "Release 200 prisoners",
    ]


def test_it_numbers_from_the_block_it_is_told():
    draft = draft_from_text(BULLETS + "\n" + SENTENCES, first_block=4)
    assert [p.reference for p in draft.proposals] == ["4.1", "4.2", "5.1", "5.2", "5.3"]


@pytest.mark.parametrize(
    ("references", "block"),
    [([], 1), (["1.1", "1.2"], 2), (["2.A.1", "10", "A.1", "3.1"], 11), (["x"], 1)],
)
def test_next_block_follows_the_highest_top_level_number(references, block):
    assert next_block(references) == block


PARTIES = [
    # text, suggested, everything named
    ("India and China agree. New Delhi said so.", ["IND", "CHN"], ["IND", "CHN"]),
    ("Islamabad and Kabul agree\nThe UN welcomed it.", ["PAK", "AFG"], ["PAK", "AFG", "UN"]),
    ("Accord\nThe UN and Iran met. The UN and Iran agreed.", ["UN", "IRN"], ["UN", "IRN"]),
    ("Talks end\nThe US and Iran met. Iran and the U.S. agreed.", ["USA", "IRN"], ["USA", "IRN"]),
    ("Accord\nSouth Sudan and Sudan signed. Sudan, South Sudan.", ["SSD", "SDN"], ["SSD", "SDN"]),
    ("Accord\nThey told us it was a deal with Russia.", [], ["RUS"]),
    ("Nothing here", [], []),
]


@pytest.mark.parametrize(("text", "suggested", "named"), PARTIES)
def test_it_proposes_parties_from_the_gazetteer(text, suggested, named):
    draft = draft_from_text(text)
    assert draft.suggested_party_codes == suggested
    assert [party.code for party in draft.parties] == named


THEMES = [
    ("Create joint border patrols", Theme.BORDER),
    ("Cross-border trade projects", Theme.TRADE),
    ("Open a hotline between commanders", Theme.COMMUNICATIONS),
    ("Escalation of intelligence-sharing protocols", Theme.INTELLIGENCE),
    ("Hold a review meeting", Theme.DIALOGUE),
    ("Formation of specialized task forces", Theme.JOINT_OPERATIONS),
    ("Public awareness campaigns", Theme.PUBLIC_AWARENESS),
    ("Community outreach programs", Theme.COMMUNITY),
    ("Release the detained sailors", Theme.OTHER),
]


@pytest.mark.parametrize(("title", "theme"), THEMES)
def test_it_suggests_a_theme_by_keywords(title, theme):
    assert suggest_theme(title) == theme


def test_it_falls_back_on_the_description_for_the_theme():
    assert suggest_theme("Phase one", "Both nations will share intelligence") == Theme.INTELLIGENCE


# ---------------------------------------------------------------------------------------------
# Any text at all

FRAGMENTS = st.sampled_from(
    [
        "<", ">", "< / td >", "td >", "th >", "li >", "< b >", "<br />", "|", "---|---|", "\n",
        "- ", "* ", "1. ", "within 3 months", "by 10 March 2020", "by 31 February 2020",
        "Pakistan", "US", "Key components include:", " will ", "agreed to", ":", ",", ".", " ",
        "<table>", "</table>", "<tr>", "<td>", "</td>", "<!--", "&amp;", "Timeline", "Action",
        "within fourteen (14) months", "three months after the talks start", "A", "x",
        "next month", "in the coming weeks", "by the end of the year", "a meeting is scheduled",
        "annually", "quarterly meetings", "every six months", "each year on 1 March",
        "immediately", "without delay", "upon ratification", "were held", "used to",
        "(counted from the start of talks)", "(from", "chaque année", "dans un délai de trois mois",
        "se réuniront", "starting in 2027", "talks", "met",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=40).map("".join)
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_gives_a_draft_whose_timelines_read_or_are_flagged(text):
    draft = draft_from_text(text)
    references = [proposal.reference for proposal in draft.proposals]
    assert len(references) == len(set(references))
    for proposal in draft.proposals:
        assert proposal.title.strip()
        assert len(proposal.title) <= 300
        assert len(proposal.timeline_wording) <= 200
        try:
            deadlines.parse_timeline(proposal.timeline_wording)
        except deadlines.TimelineError:
            assert proposal.timeline_problem
        else:
            assert not proposal.timeline_problem
