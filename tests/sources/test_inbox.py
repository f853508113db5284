"""The evidence inbox's pages and actions: what each user sees, accepting (evidence with its
grade and source, in the commitment's history), re-targeting, rejecting one or several, with
htmx and without, and bad input answered with a message that changes nothing."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, UserFactory
from tracker.models import Evidence, Proposal, ProposalState, Role

from .conftest import propose

pytestmark = pytest.mark.django_db
INBOX = reverse("tracker:inbox")


@pytest.fixture
def waiting(commitment):
    return propose(commitment, "https://frontier.example/news/1")


def _accept_data(proposal, **changes) -> dict:
    prefix = f"accept-{proposal.pk}"
    data = {
        "action": "accept",
        "proposal": proposal.pk,
        f"{prefix}-summary": "Joint patrols began on Monday.",
        f"{prefix}-source_url": proposal.canonical_url,
        f"{prefix}-source_title": proposal.item.title,
        f"{prefix}-source_publisher": "Frontier News",
        f"{prefix}-quote": proposal.item.excerpt,
        f"{prefix}-stance": "progress",
        f"{prefix}-reliability": "C",
        f"{prefix}-credibility": "2",
        f"{prefix}-claimed_by": "nobody",
    }
    data.update({f"{prefix}-{key}": value for key, value in changes.items()})
    return data


def test_it_lists_waiting_proposals_with_source_grade_commitment_and_reason(
    analyst_client, waiting
):
    page = analyst_client.get(INBOX).content.decode()
    assert "Joint border <mark>patrols</mark> begin" in page
    assert "Frontier News" in page
    assert (
        '<span class="badge grading" title="Source reliability: B: usually reliable">B</span>'
        in page
    )
    assert waiting.commitment.title in page
    assert "<mark><bdi>patrols</bdi></mark>" in page
    assert "<mark>patrols</mark> begin" in page


def test_the_agreement_inbox_holds_only_its_agreement(
    analyst_client, waiting, restricted_agreement
):
    other = CommitmentFactory(title="Another agreement's commitment")
    propose(other, "https://frontier.example/news/2", title="Elsewhere entirely")
    url = reverse("tracker:agreement-inbox", args=[waiting.commitment.agreement.slug])
    page = analyst_client.get(url).content.decode()
    assert "Joint border <mark>patrols</mark> begin" in page
    assert "Elsewhere entirely" not in page


def test_restricted_agreements_proposals_are_hidden_from_outsiders(
    analyst_client, restricted_agreement
):
    hidden = restricted_agreement.commitments.get()
    propose(hidden, "https://frontier.example/secret", title="Secret protocol news")
    assert "Secret protocol news" not in analyst_client.get(INBOX).content.decode()
    url = reverse("tracker:agreement-inbox", args=[restricted_agreement.slug])
    assert analyst_client.get(url).status_code == 404
    proposal = Proposal.objects.get()
    response = analyst_client.post(INBOX, {"action": "reject", "proposal": proposal.pk})
    assert response.status_code == 404
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_the_team_sees_its_restricted_proposals(client, restricted_agreement):
    member = UserFactory(username="member", role=Role.ANALYST)
    restricted_agreement.teams.get().members.add(member)
    propose(restricted_agreement.commitments.get(), "https://x.example/1", title="Team news")
    client.force_login(member)
    assert "Team news" in client.get(INBOX).content.decode()


def test_accepting_makes_evidence_with_its_grade_and_source_in_the_commitment_history(
    analyst_client, analyst, waiting
):
    response = analyst_client.post(INBOX, _accept_data(waiting))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.commitment, evidence.reliability, evidence.credibility) == (
        waiting.commitment,
        "C",
        2,
    )
    assert (evidence.source_url, evidence.source_publisher, evidence.logged_by) == (
        "https://frontier.example/news/1",
        "Frontier News",
        analyst,
    )
    waiting.refresh_from_db()
    assert (waiting.state, waiting.evidence, waiting.decided_by) == (
        ProposalState.ACCEPTED,
        evidence,
        analyst,
    )
    history = analyst_client.get(waiting.commitment.get_absolute_url()).content.decode()
    assert "Joint patrols began on Monday." in history
    assert ">C2<" in history


def test_the_accept_form_is_prefilled_from_the_item(analyst_client, waiting):
    page = analyst_client.get(INBOX, {"accept": waiting.pk}).content.decode()
    prefix = f"accept-{waiting.pk}"
    assert f'name="{prefix}-source_url" value="https://frontier.example/news/1"' in page
    assert 'value="B" selected' in page
    assert "troops of both sides walked the line" in page


@pytest.mark.parametrize("missing", ["stance", "credibility", "claimed_by"])
def test_accepting_needs_grade_stance_and_claimant(analyst_client, waiting, missing):
    response = analyst_client.post(INBOX, _accept_data(waiting, **{missing: ""}))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Evidence.objects.exists()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_accepting_with_a_future_date_is_refused_and_changes_nothing(analyst_client, waiting):
    response = analyst_client.post(INBOX, _accept_data(waiting, source_date="2999-01-01"))
    assert "This date is in the future." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_proposal_is_accepted_once(analyst_client, waiting):
    analyst_client.post(INBOX, _accept_data(waiting))
    response = analyst_client.post(INBOX, _accept_data(waiting))
    assert "This proposal was already decided." in response.content.decode()
    assert Evidence.objects.count() == 1


def test_rejecting_keeps_the_reason_and_empties_the_inbox(analyst_client, analyst, waiting):
    response = analyst_client.post(
        INBOX, {"action": "reject", "proposal": waiting.pk, "reason": "Old news"}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.state, waiting.reason, waiting.decided_by) == (
        ProposalState.REJECTED,
        "Old news",
        analyst,
    )
    assert "Joint border <mark>patrols</mark>" not in analyst_client.get(INBOX).content.decode()


def test_a_reason_too_long_is_refused(analyst_client, waiting):
    response = analyst_client.post(
        INBOX, {"action": "reject", "proposal": waiting.pk, "reason": "x" * 2001}
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_retargeting_proposes_it_for_the_other_commitment(analyst_client, waiting):
    other = CommitmentFactory(agreement=waiting.commitment.agreement, title="Open border posts")
    response = analyst_client.post(
        INBOX, {"action": "retarget", "proposal": waiting.pk, "commitment": other.pk}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == ProposalState.REJECTED
    assert waiting.reason == f"Re-targeted to {other.reference}"
    moved = Proposal.objects.get(state=ProposalState.PROPOSED)
    assert (moved.commitment, moved.item) == (other, waiting.item)


def test_retargeting_to_another_agreement_is_refused(analyst_client, waiting):
    elsewhere = CommitmentFactory()
    response = analyst_client.post(
        INBOX, {"action": "retarget", "proposal": waiting.pk, "commitment": elsewhere.pk}
    )
    assert "Choose a commitment of the same agreement." in response.content.decode()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_bulk_reject_rejects_the_ticked_ones_only(analyst_client, commitment):
    first = propose(commitment, "https://x.example/1")
    second = propose(commitment, "https://x.example/2")
    kept = propose(commitment, "https://x.example/3")
    response = analyst_client.post(
        INBOX, {"action": "bulk-reject", "proposal": [first.pk, second.pk], "reason": "Noise"}
    )
    assert response.status_code == 302
    states = dict(Proposal.objects.values_list("pk", "state"))
    assert states == {
        first.pk: ProposalState.REJECTED,
        second.pk: ProposalState.REJECTED,
        kept.pk: ProposalState.PROPOSED,
    }


def test_bulk_reject_with_nothing_ticked_says_so(analyst_client, waiting):
    response = analyst_client.post(INBOX, {"action": "bulk-reject", "proposal": ["x"]})
    assert "Tick the proposals to reject." in response.content.decode()
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_htmx_gets_the_inbox_fragment_back(analyst_client, waiting):
    response = analyst_client.post(
        INBOX, {"action": "reject", "proposal": waiting.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="inbox"')
    assert "Rejected: it will not be proposed for that commitment again." in body
    assert "<html" not in body


def test_viewers_see_the_inbox_but_cannot_decide(client, viewer, waiting):
    client.force_login(viewer)
    page = client.get(INBOX).content.decode()
    assert "Joint border <mark>patrols</mark> begin" in page
    assert "Accept…" not in page
    assert client.post(INBOX, {"action": "reject", "proposal": waiting.pk}).status_code == 403
    assert Proposal.objects.get().state == ProposalState.PROPOSED


@pytest.mark.parametrize(
    "data",
    [{"action": "dance"}, {"action": "reject", "proposal": "abc"}, {"action": "accept"}],
)
def test_bad_requests_get_a_clear_answer_and_change_nothing(analyst_client, waiting, data):
    response = analyst_client.post(INBOX, data)
    assert response.status_code in (400, 404)
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_the_inbox_reads_a_bounded_number_of_queries(
    analyst_client, commitment, django_assert_max_num_queries
):
    for n in range(3):
        propose(commitment, f"https://x.example/{n}")
    with django_assert_max_num_queries(12) as few:
        analyst_client.get(INBOX)
    for n in range(3, 20):
        propose(commitment, f"https://x.example/{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        analyst_client.get(INBOX)


def test_hostile_titles_are_escaped_and_isolated(analyst_client, commitment):
    propose(commitment, "https://x.example/h", title="<script>alert(1)</script> \u202epatrols")
    page = analyst_client.get(INBOX).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "data",
    [
        {"action": "reject", "proposal": "9" * 30},
        {"action": "reject", "proposal": "١٢"},
        {"action": "bulk-reject", "proposal": ["9" * 30]},
        {"action": "retarget", "proposal": "PK", "commitment": "9" * 30},
    ],
)
def test_ids_that_cannot_be_ids_are_refused_without_a_server_error(analyst_client, waiting, data):
    data = {key: (waiting.pk if value == "PK" else value) for key, value in data.items()}
    response = analyst_client.post(INBOX, data)
    assert response.status_code in (200, 404)
    assert Proposal.objects.get().state == ProposalState.PROPOSED


def test_an_accept_form_asked_for_with_a_huge_id_shows_none(analyst_client, waiting):
    assert analyst_client.get(INBOX, {"accept": "9" * 40}).status_code == 200
