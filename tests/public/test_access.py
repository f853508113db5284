"""Every public URL, for every state of an agreement (public, internal, restricted, public
then restricted), anonymous and signed in: nothing internal leaks, and what is not public is
a 404 in the very words of a missing page (issue 22)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tracker.models import Role

from ..factories import UserFactory
from .conftest import NEVER_PUBLIC, publish

pytestmark = pytest.mark.django_db

GLOBAL_URLS = [
    "/public/",
    "/public/?q=accord",
    "/public/feed/",
    "/public/data/",
    "/public/data/commitments.csv",
    "/public/data/agreements.json",
    "/public/data/codebook/",
    "/public/data/codebook.md",
]


def agreement_urls(agreement) -> list[str]:
    slug = agreement.slug
    urls = [
        f"/public/agreements/{slug}/",
        f"/public/agreements/{slug}/?status=in_progress&sort=due",
        f"/public/agreements/{slug}/feed/",
        f"/public/agreements/{slug}/embed/",
        f"/public/oembed?url={settings.SITE_URL}/public/agreements/{slug}/",
    ]
    return urls + [
        f"/public/commitments/{pk}/" for pk in agreement.commitments.values_list("pk", flat=True)
    ]


def missing_twin(url: str) -> str:
    """The same kind of address for an agreement or commitment that does not exist."""
    if url.startswith("/public/commitments/"):
        return "/public/commitments/999999/"
    return url.replace(url.split("/public/agreements/")[1].split("/")[0], "no-such-agreement")


def without_tokens(text: str) -> str:
    """The page less its CSRF tokens, masked afresh on every answer."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", text)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture(params=["anonymous", "admin"])
def reader(request, db) -> Client:
    client = Client()
    if request.param == "admin":
        client.force_login(UserFactory(username="boss", role=Role.ADMIN, is_superuser=True))
    return client


def test_every_public_url_of_a_public_agreement_answers_without_leaking(reader, every_state):
    public = every_state["public"]
    for url in GLOBAL_URLS + agreement_urls(public):
        response = reader.get(url)
        assert response.status_code == 200, url
        text = body(response)
        for secret in NEVER_PUBLIC:
            assert secret not in text, (url, secret)


def test_the_public_agreement_shows_in_the_lists_feeds_and_dataset(reader, every_state):
    for url in GLOBAL_URLS[:3] + GLOBAL_URLS[4:6]:
        assert "Open accord" in body(reader.get(url)), url


def test_the_table_fragment_of_a_public_agreement_leaks_nothing(reader, every_state):
    response = reader.get(
        "/public/agreements/open-accord/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="commitments-table",
    )
    text = body(response)
    assert 'id="commitments-table"' in text
    assert "<html" not in text
    for secret in NEVER_PUBLIC:
        assert secret not in text


@pytest.mark.parametrize("state", ["internal", "restricted", "public-then-restricted"])
def test_every_url_of_an_agreement_not_public_is_a_missing_page(reader, every_state, state):
    agreement = every_state[state]
    for url in agreement_urls(agreement):
        response = reader.get(url)
        assert response.status_code == 404, url
        twin = reader.get(missing_twin(url))
        assert twin.status_code == 404
        assert without_tokens(body(response)) == without_tokens(body(twin)), url
        assert agreement.title not in body(response)


def test_the_same_page_is_served_to_everyone(every_state, admin_client):
    anonymous = Client()
    for url in GLOBAL_URLS + agreement_urls(every_state["public"]):
        mine, theirs = admin_client.get(url), anonymous.get(url)
        assert body(mine) == body(theirs), url
        assert "Cookie" not in mine.get("Vary", ""), url
        assert not mine.cookies, url


def test_an_agreement_that_publishes_them_shows_names_notes_and_retracted_content(zoe):
    from ..factories import AgreementFactory
    from .conftest import ANALYST_NAME, NOTE_TEXT, RETRACTED_QUOTE, RETRACTED_TEXT, _with_history

    agreement = AgreementFactory(title="Open book", slug="open-book")
    commitment = _with_history(agreement, zoe, "Everything shown")
    publish(
        agreement,
        public_analyst_names=True,
        public_milestone_notes=True,
        public_retracted_content=True,
    )
    client = Client()
    page = body(client.get(f"/public/commitments/{commitment.pk}/"))
    assert ANALYST_NAME in page
    assert RETRACTED_TEXT in page
    assert RETRACTED_QUOTE in page
    assert NOTE_TEXT in body(client.get("/public/agreements/open-book/"))
    assert RETRACTED_TEXT in body(client.get("/public/data/agreements.json"))


def test_a_commitment_page_says_an_analyst_and_keeps_the_retraction_reason(every_state):
    commitment = every_state["public"].commitments.get()
    page = body(Client().get(f"/public/commitments/{commitment.pk}/"))
    assert "an analyst" in page
    assert "Misattributed source" in page
    assert "Its content is not published." in page
    assert "Patrols have started" in page
    assert "https://news.example.org/patrols" in page
    assert "B2" in page


@pytest.mark.parametrize(
    "query",
    [
        "?page=zzz",
        "?page=999999",
        "?sort=evil",
        "?status=nope&party=XX&theme=%00",
        "?due_within=-4",
        "?due_within=abc&overdue=maybe&warning=x",
        "?q=" + "a" * 500,
    ],
)
def test_bad_filters_on_public_pages_are_ignored_never_a_500(every_state, query):
    client = Client()
    for path in ("/public/", "/public/agreements/open-accord/"):
        response = client.get(path + query)
        assert response.status_code == 200, path + query
        assert "Open" in body(response)
