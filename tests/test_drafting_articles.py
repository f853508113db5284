"""Drafting from real articles: the parties that agreed and the timelines each one states.

Each file in `tests/data/articles/` is a real news article about a different agreement and
region, copied verbatim (trimmed where its header says) below a header that cites it: title,
publisher, date, address, the agreement it reports. The expectations are what an editor
reading the article would draft: the parties that signed or agreed (never a mediator, host or
venue) and every timeline phrase the article attaches to a promise, word for word.
"""

from pathlib import Path

import pytest

from tracker.drafting import draft_from_text

ARTICLES_DIR = Path(__file__).parent / "data" / "articles"
HEADER_FIELDS = ("Title", "Publisher", "Date", "URL", "Agreement", "Copied from")

# article: (the parties that agreed, parties named only as mediators or hosts, timelines)
ARTICLES = {
    "armenia-azerbaijan-russia-2020": (["ARM", "AZE", "RUS"], [], ["by November 15"]),
    "cambodia-thailand-putrajaya-2025": (["KHM", "THA"], ["MYS"], ["on July 29", "on August 4"]),
    "colombia-farc-havana-2016": (
        ["COL", "FARC"],
        [],
        ["within 180 days of the conclusion of a final peace accord"],
    ),
    "drc-rwanda-washington-2025": (
        ["RWA", "COD"],
        [],
        ["within 30 days after the signature of the deal"],
    ),
    "ethiopia-tplf-pretoria-2022": (["ETH", "TPLF"], ["AU", "ZAF"], []),
    "israel-hamas-gaza-2025": (["ISR", "HAMAS"], [], ["by Monday"]),
    "russia-ukraine-grain-istanbul-2022": (["UKR", "RUS"], ["UN"], []),
    "saudi-iran-beijing-2023": (["IRN", "SAU"], ["CHN", "IRQ", "OMN"], ["within two months"]),
    "south-sudan-addis-ababa-2018": (["SSD", "SPLM-IO"], [], ["eight months after it is signed"]),
    "us-taliban-doha-2020": (["USA", "TALIBAN"], [], ["within 135 days from the signing date"]),
}


def _read(name: str) -> tuple[dict[str, str], str]:
    """The article's citation header and its text."""
    header, text = (ARTICLES_DIR / f"{name}.txt").read_text(encoding="utf-8").split("\n---\n", 1)
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    return fields, text


def test_every_article_on_disk_is_checked():
    assert sorted(path.stem for path in ARTICLES_DIR.glob("*.txt")) == sorted(ARTICLES)
    assert len(ARTICLES) >= 10


@pytest.mark.parametrize("name", ARTICLES)
def test_each_article_cites_where_it_was_read(name):
    fields, text = _read(name)
    assert tuple(fields) == HEADER_FIELDS
    assert all(value.strip() for value in fields.values())
    assert fields["URL"].startswith(("https://", "http://"))
    assert len(text.split()) >= 100


@pytest.mark.parametrize(("name", "expected"), ARTICLES.items(), ids=ARTICLES.keys())
def test_it_suggests_the_parties_that_agreed(name, expected):
    agreed, _, _ = expected
    draft = draft_from_text(_read(name)[1])
    assert sorted(draft.suggested_party_codes) == sorted(agreed)


@pytest.mark.parametrize(("name", "expected"), ARTICLES.items(), ids=ARTICLES.keys())
def test_it_marks_the_mediators_and_hosts(name, expected):
    _, mediators, _ = expected
    parties = {party.code: party for party in draft_from_text(_read(name)[1]).parties}
    for code in mediators:
        assert parties[code].mediator
        assert not parties[code].suggested


@pytest.mark.parametrize(("name", "expected"), ARTICLES.items(), ids=ARTICLES.keys())
def test_it_proposes_each_timeline_the_article_states(name, expected):
    _, _, timelines = expected
    draft = draft_from_text(_read(name)[1])
    assert [proposal.timeline_wording for proposal in draft.proposals] == timelines


@pytest.mark.parametrize(("name", "expected"), ARTICLES.items(), ids=ARTICLES.keys())
def test_it_never_titles_the_draft_after_a_mediator(name, expected):
    agreed, mediators, _ = expected
    text = _read(name)[1]
    draft = draft_from_text(text)
    if draft.title.endswith(" agreement"):  # drafted from the parties, not a headline
        names = {party.code: party.name for party in draft.parties}
        assert all(names[code] in draft.title for code in agreed)
        assert not any(names[code] in draft.title for code in mediators)
    else:
        assert draft.title == text.lstrip().splitlines()[0]
