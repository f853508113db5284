"""GET /api/v1/compare/: the figures of tests/comparison_data.py, the refusals, visibility
and the number of queries."""

import datetime

import pytest

from ..comparison_data import build
from ..factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/compare/"


@pytest.fixture(autouse=True)
def _frozen_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def data(analyst):
    return build(analyst)


def test_it_answers_the_figures_of_each_agreement_in_the_order_asked(viewer_api, data):
    response = viewer_api.get(URL, {"a": ["trade-pact", "border-accord"]})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-15"
    trade, border = body["agreements"]
    assert (trade["slug"], border["slug"]) == ("trade-pact", "border-accord")
    assert border["met_on_time"] == {
        "percent": 25,
        "met": 1,
        "decided": 4,
        "with_deadline": 5,
        "implemented_without_recorded_date": 0,
    }
    assert border["delay"] == {
        "median_days": 42.5,
        "median_implemented_late_days": 10,
        "median_open_overdue_days": 75,
        "implemented_late_days": [10],
        "open_overdue_days": [75],
    }
    assert trade["delay"]["median_days"] == 31


def test_it_answers_the_scores_by_theme_and_party_over_time(viewer_api, data):
    body = viewer_api.get(URL, {"a": ["border-accord", "trade-pact"]}).json()
    border, trade = body["agreements"]
    assert (border["score"], border["score_rule"], border["unscored_count"]) == (47, "pam", 1)
    assert border["commitments"] == 5
    assert border["over_time"][:3] == [
        {"on": "2026-01-31", "score": 0},
        {"on": "2026-02-28", "score": 20},
        {"on": "2026-03-31", "score": 47},
    ]
    assert (trade["score"], trade["score_rule"], trade["unscored_count"]) == (1, "g7", 1)
    assert trade["commitments"] == 1
    assert [point["score"] for point in trade["over_time"]] == [-1, -1, -1, 1, 1, 1]
    assert {party["key"]: party["score"] for party in trade["parties"]} == {"AFG": 1, "IND": 1}
    assert [(theme["key"], theme["score"]) for theme in trade["themes"]] == [("trade", 1)]
    parties = {party["key"]: party for party in border["parties"]}
    assert parties["PAK"]["score"] == 33
    assert [point["score"] for point in parties["PAK"]["over_time"]] == [0, 25, 33, 33, 33, 33]
    themes = {theme["key"]: theme["score"] for theme in border["themes"]}
    assert themes == {"border": 100, "dialogue": 17, "trade": 0}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "Choose two or three"),
        (["border-accord"], "Choose two or three"),
        (["border-accord", "border-accord"], "chosen twice"),
        (["border-accord", "a", "b", "c"], "at most three"),
        (["border-accord", "../x"], "not an agreement"),
    ],
)
def test_it_refuses_with_the_reason(viewer_api, data, values, message):
    response = viewer_api.get(URL, {"a": values})
    assert response.status_code == 400
    assert message in response.json()["a"][0]


def test_a_restricted_agreement_is_refused_like_an_unknown_one(
    viewer_api, data, restricted_agreement
):
    hidden = viewer_api.get(URL, {"a": ["border-accord", "secret-protocol"]})
    unknown = viewer_api.get(URL, {"a": ["border-accord", "secret-protocoi"]})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["a"][0].replace("secret-protocol", "X") == unknown.json()["a"][0].replace(
        "secret-protocoi", "X"
    )


def test_it_needs_credentials(client, data):
    assert client.get(URL, {"a": ["border-accord", "trade-pact"]}).status_code == 401


@pytest.mark.parametrize("each", [1, 10])
def test_the_queries_do_not_grow_with_the_data(viewer_api, django_assert_max_num_queries, each):
    for n in range(3):
        agreement = AgreementFactory(slug=f"size-{n}")
        for _ in range(each):
            CommitmentFactory(agreement=agreement, timeline_wording="by 1 March 2026")
    # token; role and hidden agreements; the agreements; commitments; parties; changes
    with django_assert_max_num_queries(6):
        response = viewer_api.get(URL, {"a": ["size-0", "size-1", "size-2"]})
    assert response.status_code == 200
