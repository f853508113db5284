"""The watcher against real HTTP: recorded RSS and Atom feeds, conditional GET, never the same
proposal twice, and each hostile answer recorded as that source's failure, nothing else."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracker.models import FeedItem, FetchOutcome, Proposal, ProposalState, SourceFetch
from tracker.sources.watch import watch

from .conftest import make_source

pytestmark = pytest.mark.django_db


def _proposed(commitments) -> dict[str, set[str]]:
    by_id = {commitment.pk: reference for reference, commitment in commitments.items()}
    found: dict[str, set[str]] = {}
    for proposal in Proposal.objects.all():
        found.setdefault(proposal.canonical_url, set()).add(by_id[proposal.commitment_id])
    return found


def test_it_proposes_rss_items_for_the_commitments_they_speak_of(feed_server, seed):
    agreement, commitments = seed
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement, reliability="B")
    run = watch()
    assert _proposed(commitments) == {
        "https://mofa.example/press/joint-patrol": {"2.1"},
        "https://mofa.example/press/awareness": {"5.3"},
    }
    assert (run.sources, run.fetched, run.new, run.proposed, run.skipped, run.failed) == (
        1,
        5,
        3,
        2,
        2,
        0,
    )


def test_it_reads_atom_feeds_and_their_html_content(feed_server, seed):
    agreement, commitments = seed
    make_source(feed_server, "/feeds/atom.xml", agreement=agreement)
    watch()
    assert _proposed(commitments) == {"https://unama.example/news/thwarted-attack": {"5.1"}}
    salang = FeedItem.objects.get(canonical_url="https://unama.example/news/salang")
    assert salang.excerpt == "Travellers were stranded as snow closed the highway."


def test_it_keeps_the_address_without_tracking_or_fragment_and_the_text_without_markup(
    feed_server, seed
):
    agreement, _ = seed
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    watch()
    item = FeedItem.objects.get(canonical_url="https://mofa.example/press/joint-patrol")
    assert item.excerpt == (
        "Troops from both countries conducted the first joint border patrol along the "
        "Torkham crossing."
    )
    assert item.published_on.isoformat() == "2026-10-05"


def test_it_never_proposes_the_same_item_twice(feed_server, seed):
    agreement, _ = seed
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    make_source(feed_server, "/redirect-ok", name="same feed, redirected", agreement=agreement)
    watch()
    watch()
    assert Proposal.objects.count() == 2
    assert FeedItem.objects.count() == 6  # three items, once per source


def test_a_rejected_item_is_never_proposed_again(feed_server, seed, analyst):
    from tracker import services

    agreement, commitments = seed
    source = make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    watch()
    proposal = Proposal.objects.get(commitment=commitments["2.1"])
    services.proposal_reject(proposal=proposal, by=analyst, reason="Old news")
    # Even when the item is forgotten and read again, as new, its rejection stands.
    source.etag = source.last_modified = ""
    source.save()
    FeedItem.objects.filter(pk=proposal.item_id).update(canonical_url="https://moved.example/")
    run = watch()
    assert run.new == 1
    assert Proposal.objects.get(commitment=commitments["2.1"]).state == ProposalState.REJECTED


def test_it_asks_again_with_the_etag_and_takes_304_as_nothing_new(feed_server, seed):
    agreement, _ = seed
    source = make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    watch()
    source.refresh_from_db()
    assert source.etag.startswith('"')
    assert source.last_modified == "Thu, 08 Oct 2026 10:00:00 GMT"
    second = watch()
    _path, headers = feed_server.requests[-1]
    assert headers["If-None-Match"] == source.etag
    assert headers["If-Modified-Since"] == source.last_modified
    assert SourceFetch.objects.get(run=second).outcome == FetchOutcome.NOT_MODIFIED
    assert (second.fetched, second.new, second.failed) == (0, 0, 0)


def test_it_reads_the_linked_page_when_the_source_asks(feed_server, seed):
    agreement, commitments = seed
    make_source(feed_server, "/feeds/pages.xml", agreement=agreement, fetch_pages=True)
    watch()
    proposal = Proposal.objects.get()
    assert proposal.commitment == commitments["4.2"]
    assert "outreach" in proposal.matched_words
    assert proposal.item.published_on.isoformat() == "2026-10-10"
    assert "The delegations agreed at the meeting" in proposal.item.excerpt


def test_without_pages_the_short_headline_proposes_nothing(feed_server, seed):
    agreement, _ = seed
    make_source(feed_server, "/feeds/pages.xml", agreement=agreement)
    watch()
    assert not Proposal.objects.exists()
    assert FeedItem.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/huge", "too large"),
        ("/huge-declared", "too large"),
        ("/slow", "too slow"),
        ("/feeds/malformed.xml", "not a feed"),
        ("/feeds/billion-laughs.xml", "declares entities"),
        ("/feeds/external-entity.xml", "declares entities"),
        ("/redirect-private", "private or local address (169.254.169.254)"),
        ("/redirect-localhost", "private or local address"),
        ("/loop", "more than 5 redirects"),
        ("/redirect-bad-port", "not a web address"),
        ("/missing", "HTTP 404"),
    ],
)
def test_a_hostile_source_gets_its_failure_recorded_and_nothing_else(
    feed_server, seed, path, error
):
    agreement, _ = seed
    make_source(feed_server, "/feeds/rss.xml", name="a good one", agreement=agreement)
    bad = make_source(feed_server, path, name="a bad one", agreement=agreement)
    run = watch()
    failure = SourceFetch.objects.get(run=run, source=bad)
    assert failure.outcome == FetchOutcome.FAILED
    assert error in failure.error
    assert (failure.fetched, failure.new, failure.proposed) == (0, 0, 0)
    assert not FeedItem.objects.filter(source=bad).exists()
    bad.refresh_from_db()
    assert (bad.last_outcome, bad.etag) == (FetchOutcome.FAILED, "")
    assert (run.sources, run.failed, run.proposed) == (2, 1, 2)


def test_a_slow_source_fails_within_its_deadline(feed_server, seed):
    import time

    agreement, _ = seed
    make_source(feed_server, "/slow", agreement=agreement)
    started = time.monotonic()
    watch()
    assert time.monotonic() - started < 5


def test_private_addresses_are_refused_unless_listed(feed_server, seed, settings):
    agreement, _ = seed
    settings.SOURCES_ALLOW_PRIVATE_HOSTS = []
    source = make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    run = watch()
    assert "private or local address (127.0.0.1)" in SourceFetch.objects.get(source=source).error
    assert feed_server.requests == []
    assert run.failed == 1


def test_script_in_titles_arrives_as_plain_text(feed_server, seed):
    agreement, commitments = seed
    make_source(feed_server, "/feeds/script-title.xml", agreement=agreement)
    watch()
    item = FeedItem.objects.get()
    assert item.title == "alert(1)Joint border patrols begin near Torkham"
    assert "<" not in item.excerpt
    assert "script" not in item.excerpt.lower()
    assert Proposal.objects.get().commitment == commitments["2.1"]


def test_a_disabled_source_is_not_watched_unless_named(feed_server, seed):
    agreement, _ = seed
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement, enabled=False)
    assert watch().sources == 0
    assert watch(source_name="/feeds/rss.xml").sources == 1


def test_the_command_says_what_it_did_and_names_failures(feed_server, seed, capsys):
    agreement, _ = seed
    make_source(feed_server, "/feeds/rss.xml", name="MOFA", agreement=agreement)
    make_source(feed_server, "/missing", name="Gone", agreement=agreement)
    call_command("watch_sources", "--once")
    out, err = capsys.readouterr()
    assert "Watched 2 sources: fetched 5, new 3, proposed 2, skipped 2, failed 1." in out
    assert "Gone: Failed: HTTP 404" in out
    assert "1 source failed." in err


def test_the_command_refuses_an_unknown_source():
    with pytest.raises(CommandError, match="No watched source is named 'nope'"):
        call_command("watch_sources", "--source", "nope")


def test_a_second_source_proposes_the_same_item_for_its_own_agreement(feed_server, seed):
    from tests.factories import CommitmentFactory

    agreement, commitments = seed
    other = CommitmentFactory(title="Create joint border patrols")
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    make_source(feed_server, "/redirect-ok", name="for the other", agreement=other.agreement)
    watch()
    url = "https://mofa.example/press/joint-patrol"
    proposed = set(Proposal.objects.filter(canonical_url=url).values_list("commitment", flat=True))
    assert proposed == {commitments["2.1"].pk, other.pk}


def test_one_host_is_asked_at_most_once_an_interval(feed_server, seed, settings):
    import time

    agreement, _ = seed
    settings.SOURCES_HOST_INTERVAL_SECONDS = 0.4
    for name in ("one", "two", "three"):
        make_source(feed_server, "/feeds/atom.xml", name=name, agreement=agreement)
    started = time.monotonic()
    watch()
    assert time.monotonic() - started >= 0.8  # three requests, two pauses
    assert len(feed_server.requests) == 3
