"""`/api/v1/proposals/`: the list with its filters, accept and reject with the evidence's
permissions, restricted agreements as 404, and any body answered without a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import CommitmentFactory
from tracker.models import Evidence, Proposal, ProposalState

from .conftest import propose

pytestmark = pytest.mark.django_db
LIST = "/api/v1/proposals/"


def _client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def analyst_api(analyst):
    return _client(analyst)


@pytest.fixture
def waiting(commitment):
    return propose(commitment, "https://frontier.example/news/1")


def test_it_lists_proposals_with_their_item_and_reason(analyst_api, waiting):
    body = analyst_api.get(LIST).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["canonical_url"] == "https://frontier.example/news/1"
    assert (row["state"], row["source_name"], row["source_reliability"]) == (
        "proposed",
        "Frontier News",
        "B",
    )
    assert row["matched_words"] == ["patrols"]
    assert row["reference"] == waiting.commitment.reference


def test_it_filters_by_agreement_commitment_state_and_source(analyst_api, waiting, analyst):
    other = CommitmentFactory()
    rejected = propose(other, "https://x.example/2")
    from tracker import services

    services.proposal_reject(proposal=rejected, by=analyst)
    slug = waiting.commitment.agreement.slug
    assert [r["id"] for r in analyst_api.get(LIST, {"agreement": slug}).json()["results"]] == [
        waiting.pk
    ]
    assert [r["id"] for r in analyst_api.get(LIST, {"state": "rejected"}).json()["results"]] == [
        rejected.pk
    ]
    by_commitment = analyst_api.get(LIST, {"commitment": other.pk}).json()["results"]
    assert [r["id"] for r in by_commitment] == [rejected.pk]
    source = waiting.item.source_id
    assert analyst_api.get(LIST, {"source": source}).json()["count"] == 2
    assert analyst_api.get(LIST, {"state": "nonsense"}).status_code == 400


def test_accepting_logs_evidence_with_the_items_source(analyst_api, analyst, waiting):
    response = analyst_api.post(
        f"{LIST}{waiting.pk}/accept/",
        {"stance": "progress", "credibility": 2, "claimed_by": None, "reliability": "A"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    evidence = Evidence.objects.get()
    assert response.json()["id"] == evidence.pk
    assert (evidence.grading, evidence.source_url, evidence.source_publisher) == (
        "A2",
        "https://frontier.example/news/1",
        "Frontier News",
    )
    assert evidence.summary == "Joint border patrols begin"
    waiting.refresh_from_db()
    assert (waiting.state, waiting.evidence_id) == (ProposalState.ACCEPTED, evidence.pk)


def test_the_grade_defaults_to_the_sources(analyst_api, waiting):
    analyst_api.post(
        f"{LIST}{waiting.pk}/accept/",
        {"stance": "context", "credibility": 6, "claimed_by": None},
        format="json",
    )
    assert Evidence.objects.get().grading == "B6"


@pytest.mark.parametrize("missing", ["stance", "credibility", "claimed_by"])
def test_accepting_without_a_decision_is_refused(analyst_api, waiting, missing):
    body = {"stance": "progress", "credibility": 2, "claimed_by": None}
    del body[missing]
    response = analyst_api.post(f"{LIST}{waiting.pk}/accept/", body, format="json")
    assert response.status_code == 400
    assert missing in response.json()
    assert not Evidence.objects.exists()


def test_a_claimant_outside_the_agreement_is_refused(analyst_api, waiting):
    from tests.factories import PartyFactory

    PartyFactory(code="ZZZ")
    response = analyst_api.post(
        f"{LIST}{waiting.pk}/accept/",
        {"stance": "progress", "credibility": 2, "claimed_by": "ZZZ"},
        format="json",
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_rejecting_keeps_the_reason(analyst_api, waiting):
    response = analyst_api.post(f"{LIST}{waiting.pk}/reject/", {"reason": "Old"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["reason"]) == ("rejected", "Old")
    again = analyst_api.post(f"{LIST}{waiting.pk}/reject/", {}, format="json")
    assert again.status_code == 400


def test_viewers_read_but_cannot_decide(viewer, waiting):
    api = _client(viewer)
    assert api.get(LIST).json()["count"] == 1
    assert api.post(f"{LIST}{waiting.pk}/reject/", {}, format="json").status_code == 403
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_restricted_proposals_are_404_to_outsiders(analyst_api, restricted_agreement):
    hidden = propose(restricted_agreement.commitments.get(), "https://x.example/secret")
    assert analyst_api.get(LIST).json()["count"] == 0
    assert analyst_api.get(f"{LIST}{hidden.pk}/").status_code == 404
    assert analyst_api.post(f"{LIST}{hidden.pk}/reject/", {}, format="json").status_code == 404


def test_the_list_reads_a_bounded_number_of_queries(
    analyst_api, commitment, django_assert_max_num_queries
):
    for n in range(3):
        propose(commitment, f"https://x.example/{n}")
    with django_assert_max_num_queries(8) as few:
        analyst_api.get(LIST)
    for n in range(3, 30):
        propose(commitment, f"https://x.example/{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        analyst_api.get(LIST)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=10,
)
BODY = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        ("stance", "credibility", "claimed_by", "reliability", "summary", "source_date"), JSON
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BODY)
def test_any_accept_body_is_answered_without_a_server_error(analyst_api, waiting, body):
    response = analyst_api.post(f"{LIST}{waiting.pk}/accept/", body, format="json")
    assert response.status_code in (201, 400)
    accepted = Proposal.objects.get(pk=waiting.pk).state == ProposalState.ACCEPTED
    assert accepted == (response.status_code == 201)
    if accepted:
        Evidence.objects.all()._raw_delete(Evidence.objects.db)
        Proposal.objects.filter(pk=waiting.pk).update(
            state=ProposalState.PROPOSED, evidence=None, decided_by=None, decided_at=None
        )
