"""The feed reader's entry points on arbitrary input: it answers with entries or a FeedError,
never anything else, and what it gives fits the columns and the web-address rule."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models.validators import invisible_characters, web_url
from tracker.sources.feeds import TITLE, FeedError, canonical_url, parse, plain_text

from .conftest import FEEDS

ITEM = "<item><title>{title}</title><link>{link}</link><description>{text}</description></item>"


def _rss(items: str) -> bytes:
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{items}</channel></rss>".encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_any_bytes_give_entries_or_a_feed_error(body):
    try:
        entries, skipped = parse(body, limit=10)
    except FeedError:
        return
    assert len(entries) <= 10
    assert skipped >= 0


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=600), text=st.text(max_size=3_000), link=st.text(max_size=80))
def test_entries_fit_their_columns_whatever_the_feed_says(title, text, link):
    from xml.sax.saxutils import escape

    body = _rss(ITEM.format(title=escape(title), link=escape(link), text=escape(text)))
    try:
        entries, _ = parse(body, limit=10)
    except FeedError:
        return
    for entry in entries:
        assert 0 < len(entry.title) <= TITLE
        assert len(entry.excerpt) <= 2_000
        assert not invisible_characters(entry.title + entry.excerpt)
        web_url(entry.canonical_url)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=700))
def test_a_canonical_address_is_a_web_address_or_nothing(link):
    url = canonical_url(link)
    if url is not None:
        assert len(url) <= 500
        web_url(url)


@given(st.text(max_size=5_000), st.integers(min_value=10, max_value=3_000))
def test_plain_text_is_cut_to_its_limit(text, limit):
    assert len(plain_text(text, limit)) <= limit


def test_tracking_parameters_and_fragments_go():
    assert (
        canonical_url("HTTPS://News.Example/a?id=4&utm_source=rss&fbclid=x#top")
        == "https://news.example/a?id=4"
    )


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/", "/relative", ""]
)
def test_links_that_are_not_the_web_are_skipped(link):
    assert canonical_url(link) is None


def test_an_address_with_credentials_is_skipped():
    assert canonical_url("https://user:pass@news.example/a") is None


def test_the_billion_laughs_are_refused_before_feedparser_sees_them():
    with pytest.raises(FeedError, match="declares entities"):
        parse((FEEDS / "billion-laughs.xml").read_bytes(), limit=10)


def test_items_past_the_limit_are_counted_as_skipped():
    items = "".join(
        ITEM.format(title=f"Item {n}", link=f"https://x.example/{n}", text="") for n in range(5)
    )
    entries, skipped = parse(_rss(items), limit=3)
    assert (len(entries), skipped) == (3, 2)


def test_a_date_in_the_future_is_dropped():
    item = (
        "<item><title>Soon</title><link>https://x.example/1</link>"
        "<pubDate>Fri, 01 Jan 2100 00:00:00 +0000</pubDate></item>"
    )
    entries, _ = parse(_rss(item), limit=3)
    assert entries[0].published_on is None
    with pytest.raises(ValidationError):
        web_url("javascript:alert(1)")
    assert date.today().year < 2100
