"""List endpoints answer in a number of queries that does not grow with the data: the same
bound holds for 2 and for 40 agreements (with their commitments, evidence and history)."""

import pytest

from tracker import services

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, TeamFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = {
    # token, role groups, count, page, parties (prefetched)
    "/api/v1/agreements/": 5,
    # token; role, hidden agreements and permissions (one query, `read_access`); count
    # (summed from the agreements' kept figures); page; responsible parties and
    # prerequisites (prefetched); the page's early warnings
    "/api/v1/commitments/": 8,
    # token, role groups, count, page (related rows selected)
    "/api/v1/evidence/": 4,
    "/api/v1/status-changes/": 4,
    "/api/v1/parties/": 4,
}


def _data(size: int, analyst) -> None:
    team = TeamFactory()
    team.members.add(analyst)
    for n in range(size):
        agreement = AgreementFactory()
        if n % 2:
            agreement.teams.add(team)
        commitment = CommitmentFactory(agreement=agreement)
        evidence = EvidenceFactory(commitment=commitment, logged_by=analyst)
        services.commitment_set_status(
            commitment=commitment, status="in_progress", reason="r", evidence=evidence, by=analyst
        )


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("url", list(MAX_QUERIES))
def test_it_stays_within_its_query_bound(
    analyst_api, analyst, django_assert_max_num_queries, size, url
):
    _data(size, analyst)
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        response = analyst_api.get(url, {"page_size": 50})
    assert response.status_code == 200
    if url != "/api/v1/parties/":
        assert response.json()["count"] == size


# A write reads the token, the reader's access and the commitment with its agreement, then
# writes in a transaction (a savepoint here, inside the test's): the evidence row and its
# history, then the due date's check under the row's lock. No query asks whether the
# commitment or the author exist, nor checks a constraint the fields' validation restates.
LOG_EVIDENCE_QUERIES = 8
# The same reads, then the commitment's lock, its parties' obligations, each of its two
# parties' moved (update, history), the change, the derived status written (statuses,
# update, version, history) and the due date's check.
SET_STATUS_QUERIES = 13 + 2 * 2


def test_logging_evidence_stays_within_its_query_bound(
    analyst_api, commitment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(LOG_EVIDENCE_QUERIES):
        response = analyst_api.post(
            f"/api/v1/commitments/{commitment.pk}/evidence/",
            {"summary": "Patrols seen", "stance": "progress", "reliability": "B"},
            format="json",
        )
    assert response.status_code == 201


def test_a_status_change_stays_within_its_query_bound(
    analyst_api, commitment, django_assert_max_num_queries
):
    assert commitment.responsible_parties.count() == 2
    body = {"status": "in_progress", "reason": "Started", "version": commitment.version}
    with django_assert_max_num_queries(SET_STATUS_QUERIES):
        response = analyst_api.post(
            f"/api/v1/commitments/{commitment.pk}/status/", body, format="json"
        )
    assert response.status_code == 201
