"""The weekly digest says how many proposals wait for the reader's agreements (only those
they may see), and still sends in five queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_digests import WEEK, _send, at, world  # noqa: F401 (the fixture)
from tracker import digests

from .conftest import propose

pytestmark = pytest.mark.django_db


def test_the_digest_counts_the_waiting_proposals_the_reader_may_see(world, mailoutbox):  # noqa: F811
    commitments = world["commitments"]
    propose(commitments["open-late"], "https://x.example/1")
    propose(commitments["alpha-latest"], "https://x.example/2")
    propose(commitments["bravo-late"], "https://x.example/3")  # Bravo's: hidden from her
    assert _send(world["analyst"]) == "sent"
    body = mailoutbox[0].body
    assert (
        "2 proposals from the watched sources wait in the evidence inbox: http://testserver/inbox/"
        in body
    )
    html = mailoutbox[0].alternatives[0][0]
    assert 'id="proposals-waiting"' in html


def test_without_proposals_the_digest_says_nothing_of_them(world, mailoutbox):  # noqa: F811
    _send(world["analyst"])
    assert "evidence inbox" not in mailoutbox[0].body


def test_the_digest_stays_at_five_queries_with_proposals(world):  # noqa: F811
    for number in range(5):
        propose(world["commitments"]["open-late"], f"https://x.example/{number}")
    digests.deliveries_plan(week=WEEK, now=at(16, 8))
    with CaptureQueriesContext(connection) as queries:
        digests.digest_deliver(user_id=world["analyst"].pk, week=WEEK)
    assert len(queries) == 5, [query["sql"] for query in queries.captured_queries]
