"""The public feeds (parsed with feedparser), the embeddable card's headers, oEmbed, the
open dataset and its command, the cache headers, and query counts that do not grow with the
data (issue 22)."""

import csv
import html
import io
import json

import feedparser
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tracker import services
from tracker.models import Role

from ..factories import AgreementFactory, CommitmentFactory, UserFactory
from ..views.test_no_cache import dead_cache  # noqa: F401 (a fixture)
from .conftest import NEVER_PUBLIC, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_anonymous() -> Client:
    return Client()


def test_the_feed_of_all_public_agreements_is_valid_atom_with_links(client_anonymous, every_state):
    response = client_anonymous.get("/public/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert any("Not started → In progress" in title for title in titles)
    assert sum("evidence" in title for title in titles) == 2
    commitment = every_state["public"].commitments.get()
    assert all(f"/public/commitments/{commitment.pk}/#" in entry.link for entry in feed.entries)
    assert {entry.author for entry in feed.entries} == {"an analyst"}


def test_an_agreements_feed_holds_only_its_own_entries(client_anonymous, every_state):
    other = AgreementFactory(title="Second accord", slug="second-accord")
    commitment = CommitmentFactory(agreement=other, title="Second commitment")
    services.commitment_set_status(
        commitment=commitment, status="stalled", reason="No talks", by=None
    )
    publish(other)
    feed = feedparser.parse(client_anonymous.get("/public/agreements/open-accord/feed/").content)
    assert not feed.bozo
    assert feed.feed.title == "Open accord: status changes and evidence"
    assert len(feed.entries) == 3
    assert not any("Second commitment" in entry.title for entry in feed.entries)
    everything = feedparser.parse(client_anonymous.get("/public/feed/").content)
    assert any("Second commitment" in entry.title for entry in everything.entries)


def test_a_feed_escapes_the_texts_it_carries(client_anonymous, zoe):
    agreement = AgreementFactory(title="Escaped accord", slug="escaped")
    commitment = CommitmentFactory(agreement=agreement)
    services.commitment_set_status(
        commitment=commitment, status="stalled", reason="<script>alert(1)</script>", by=zoe
    )
    publish(agreement)
    feed = feedparser.parse(client_anonymous.get("/public/agreements/escaped/feed/").content)
    assert "&lt;script&gt;" in feed.entries[0].summary
    assert "<script>" not in feed.entries[0].summary


def test_the_public_agreement_page_links_its_feed_and_oembed(client_anonymous, every_state):
    page = client_anonymous.get("/public/agreements/open-accord/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="⁨Open accord⁩: status '
        'changes and evidence" href="/public/agreements/open-accord/feed/">' in page
    )
    assert 'type="application/json+oembed"' in page
    assert 'id="embed-snippet"' in page
    assert f"{settings.SITE_URL}/public/agreements/open-accord/embed/" in page


def test_only_the_card_may_be_framed_by_any_site(client_anonymous, every_state):
    card = client_anonymous.get("/public/agreements/open-accord/embed/")
    assert "frame-ancestors *" in card["Content-Security-Policy"]
    assert "X-Frame-Options" not in card
    for url in ("/public/agreements/open-accord/", "/public/", "/"):
        response = client_anonymous.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


def test_the_card_shows_title_parties_score_overdue_and_last_change(client_anonymous, every_state):
    agreement = every_state["public"]
    text = client_anonymous.get("/public/agreements/open-accord/embed/").content.decode()
    assert "Open accord" in text
    for party in agreement.parties.all():
        assert party.name in text
    assert 'id="card-score">33 %' in text
    assert f'id="card-overdue">{agreement.overdue_count} of 1' in text
    assert "Last change" in text


def test_oembed_answers_a_rich_iframe_for_a_public_page(client_anonymous, every_state):
    page = f"{settings.SITE_URL}/public/agreements/open-accord/"
    response = client_anonymous.get("/public/oembed", {"url": page, "maxwidth": "300"})
    data = response.json()
    assert (data["version"], data["type"], data["width"]) == ("1.0", "rich", 300)
    assert f'src="{settings.SITE_URL}/public/agreements/open-accord/embed/"' in data["html"]
    assert data["title"] == "Open accord"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"url": "x", "format": "xml"}, 501),
        ({"url": "PAGE", "maxwidth": "wide"}, 400),
        ({"url": "https://elsewhere.example/public/agreements/open-accord/"}, 404),
        ({"url": "PAGE_INTERNAL"}, 404),
    ],
)
def test_oembed_refuses_bad_input_clearly(client_anonymous, every_state, query, status):
    query = {
        key: value.replace(
            "PAGE_INTERNAL", f"{settings.SITE_URL}/public/agreements/internal-accord/"
        ).replace("PAGE", f"{settings.SITE_URL}/public/agreements/open-accord/")
        for key, value in query.items()
    }
    assert client_anonymous.get("/public/oembed", query).status_code == status


def test_public_answers_may_be_kept_by_a_cache_and_revalidated(client_anonymous, every_state):
    for url in ("/public/", "/public/agreements/open-accord/", "/public/feed/"):
        first = client_anonymous.get(url)
        assert first["Cache-Control"] == f"public, max-age={settings.PUBLIC_MAX_AGE}"
        again = client_anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]
    stale = client_anonymous.get("/public/", HTTP_IF_NONE_MATCH='"not-the-tag"')
    assert stale.status_code == 200


def test_the_csv_has_a_row_per_commitment_and_party(client_anonymous, every_state):
    response = client_anonymous.get("/public/data/commitments.csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    agreement = every_state["public"]
    assert len(rows) == 2
    assert {row["party_code"] for row in rows} == set(
        agreement.parties.values_list("code", flat=True)
    )
    assert {row["status"] for row in rows} == {"in_progress"}
    assert {row["status_weight"] for row in rows} == {"1"}
    assert rows[0]["url"].startswith(f"{settings.SITE_URL}/public/commitments/")


def test_the_json_is_the_import_format_less_what_stays_internal(client_anonymous, every_state):
    response = client_anonymous.get("/public/data/agreements.json")
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "commitment-tracker/1"
    assert [item["slug"] for item in document["agreements"]] == ["open-accord"]
    evidence = document["agreements"][0]["commitments"][0]["evidence"]
    retracted = [item for item in evidence if "retracted_at" in item]
    assert retracted[0]["summary"] == "Retracted evidence 2: its content is not published."
    assert "quote" not in retracted[0]
    assert all("note" not in item for item in document["agreements"][0]["milestones"])


def test_the_codebook_lists_every_column_status_weight_and_grade(client_anonymous, db):
    from tracker.open_data import CSV_COLUMNS

    for url in ("/public/data/codebook/", "/public/data/codebook.md"):
        text = client_anonymous.get(url).content.decode()
        for name, _ in CSV_COLUMNS:
            assert f"{name}" in text, (url, name)
        assert "abandoned" in text
        assert "Partially implemented" in text
        assert "reliability cannot be judged" in text
        assert "truth cannot be judged" in text


def test_export_open_data_writes_the_three_files(tmp_path, every_state):
    out = io.StringIO()
    call_command("export_open_data", "-o", str(tmp_path / "data"), stdout=out)
    assert "1 public agreement." in out.getvalue()
    folder = tmp_path / "data"
    assert sorted(path.name for path in folder.iterdir()) == [
        "agreements.json",
        "codebook.md",
        "commitments.csv",
    ]
    written = "".join(path.read_text() for path in folder.iterdir())
    for secret in NEVER_PUBLIC:
        assert secret not in written
    document = json.loads((folder / "agreements.json").read_text())
    assert document["agreements"][0]["slug"] == "open-accord"


def test_export_open_data_refuses_a_file_as_its_folder(tmp_path, db):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(Exception, match="is a file, not a folder"):
        call_command("export_open_data", "-o", str(target))


def _grow(zoe, count: int) -> None:
    from .conftest import _with_history

    for n in range(count):
        agreement = AgreementFactory()
        _with_history(agreement, zoe, f"Grown {n}")
        publish(agreement)


PAGES = [
    "/public/",
    "/public/agreements/open-accord/",
    "/public/agreements/open-accord/?status=in_progress",
    "/public/agreements/open-accord/feed/",
    "/public/agreements/open-accord/embed/",
    "/public/feed/",
    "/public/data/",
    "/public/data/agreements.json",
    "/public/data/commitments.csv",
]


def test_query_counts_do_not_grow_with_the_data(
    client_anonymous, every_state, zoe, django_assert_max_num_queries
):
    commitment = every_state["public"].commitments.get()
    pages = [*PAGES, f"/public/commitments/{commitment.pk}/"]
    counts = {}
    for url in pages:
        # A page reads at most 15; the dataset in the import format reads each related table
        # once (texts, obligations, criteria, …): 20 at most, and never more with the data.
        limit = 20 if url.endswith("agreements.json") else 15
        with django_assert_max_num_queries(limit) as captured:
            _fetched(client_anonymous, url)
        counts[url] = len(captured)
    _grow(zoe, 6)
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            assert _fetched(client_anonymous, url).status_code == 200


def _fetched(client, url: str):
    """The answer, its body read: a streamed one runs its queries as it is read."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_the_json_read_a_batch_at_a_time_is_the_same_one_document(
    client_anonymous, every_state, zoe, monkeypatch
):
    from tracker import open_data

    _grow(zoe, 3)
    whole = open_data.json_document()
    monkeypatch.setattr(open_data, "JSON_BATCH", 2)
    response = client_anonymous.get("/public/data/agreements.json")
    batched = json.loads(b"".join(response.streaming_content))
    assert len(batched["agreements"]) == 4
    assert batched == whole


def test_a_signed_in_reader_changes_nothing_in_the_count(
    every_state, django_assert_max_num_queries
):
    reader = Client()
    reader.force_login(UserFactory(username="reader", role=Role.VIEWER))
    with django_assert_max_num_queries(12):
        reader.get("/public/agreements/open-accord/")


@pytest.mark.usefixtures("dead_cache")
def test_the_public_pages_answer_with_the_cache_gone(client_anonymous, every_state):
    commitment = every_state["public"].commitments.get()
    for url in [*PAGES, f"/public/commitments/{commitment.pk}/", "/public/data/commitments.csv"]:
        assert client_anonymous.get(url).status_code == 200, url


def test_the_snippet_to_copy_keeps_a_hostile_title_inside_its_attribute(client_anonymous, db):
    agreement = AgreementFactory(title='Accord "quoted" <b>bold</b> & co', slug="hostile")
    publish(agreement)
    page = client_anonymous.get("/public/agreements/hostile/").content.decode()
    shown = html.unescape(page.split('id="embed-snippet"><code>')[1].split("</code>")[0])
    assert 'title="Accord &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; co"' in shown
    assert "<b>" not in page.split("<main")[1].replace("<bdi>", "")


def test_a_commitment_no_party_is_responsible_for_is_one_row(client_anonymous, db):
    agreement = AgreementFactory(slug="nobody-responsible")
    CommitmentFactory(agreement=agreement, reference="7.1", responsible=[])
    publish(agreement)
    text = b"".join(client_anonymous.get("/public/data/commitments.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert [(row["reference"], row["party_code"], row["responsible_count"]) for row in rows] == [
        ("7.1", "", "0")
    ]
