from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.search import NewestFirst, newest_evidence, search

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    accord = AgreementFactory(title="Border security accord", summary="Patrols and hotlines")
    patrols = CommitmentFactory(agreement=accord, title="Create joint border patrols")
    EvidenceFactory(commitment=patrols, summary="Patrolling started near Torkham crossing")
    secret = AgreementFactory(title="Secret border deal")
    secret.teams.add(TeamFactory())
    CommitmentFactory(agreement=secret, title="Secret patrols")
    return accord


def test_it_finds_agreements_commitments_and_evidence_with_stemming(analyst_client, corpus):
    response = analyst_client.get(reverse("tracker:search"), {"q": "patrol"})
    sections = dict(response.context["sections"])
    assert [a.title for a in sections["agreements"]] == ["Border security accord"]
    assert [c.title for c in sections["commitments"]] == ["Create joint border patrols"]
    assert [e.summary for e in sections["evidence"]] == ["Patrolling started near Torkham crossing"]


def test_it_never_shows_a_restricted_agreement(analyst_client, corpus):
    content = analyst_client.get(reverse("tracker:search"), {"q": "secret"}).content.decode()
    assert "Secret border deal" not in content
    assert "Secret patrols" not in content


def test_one_kind_is_paginated(analyst_client, corpus):
    response = analyst_client.get(reverse("tracker:search"), {"q": "border", "kind": "commitments"})
    assert [c.title for c in response.context["page"]] == ["Create joint border patrols"]


@pytest.mark.parametrize("text", ['"unclosed', "a & b | !", "-", "OR", "<script>"])
def test_odd_search_text_never_fails(analyst_client, corpus, text):
    response = analyst_client.get(reverse("tracker:search"), {"q": text})
    assert response.status_code == 200


def test_the_newest_evidence_is_found_whether_recent_or_old(analyst, agreement):
    """The search page's evidence preview looks at the last week, then the last quarter, then
    everything: whichever window it stops at, it shows the newest matches of all."""
    patrols = CommitmentFactory(agreement=agreement, title="Create joint border patrols")
    now = timezone.now()

    def logged(days: int, summary: str = "Patrols seen at the crossing"):
        return EvidenceFactory(
            commitment=patrols, summary=summary, logged_at=now - timedelta(days=days)
        )

    old = [logged(400), logged(200), logged(30)]
    assert newest_evidence(analyst, "patrols", 2) == [old[2], old[1]]
    recent = [logged(1), logged(2), logged(3)]
    logged(0, "Unrelated trade talks")
    assert newest_evidence(analyst, "patrols", 2) == recent[:2]
    assert newest_evidence(analyst, "patrols", 5) == [*recent, old[2], old[1]]
    assert newest_evidence(analyst, "hotline", 5) == []


def test_one_kind_lists_only_the_first_matches_of_a_common_word(
    analyst_client, corpus, monkeypatch
):
    """Counting every match of a common word costs more than the page: the list stops at
    MATCHES_LISTED (1,000) newest or best, and says there were more."""
    monkeypatch.setattr("tracker.views.search.MATCHES_LISTED", 3)
    patrols = corpus.commitments.get()
    for day in range(5):
        EvidenceFactory(commitment=patrols, summary=f"Patrols seen on day {day}")
    url, query = reverse("tracker:search"), {"q": "patrols", "kind": "evidence"}
    response = analyst_client.get(url, query)
    assert response.context["page"].paginator.count == 3
    assert "the first 3 of more" in response.content.decode()
    last = analyst_client.get(url, {**query, "page": 2})  # past the cap: the nearest page
    assert last.context["page"].number == 1
    fewer = analyst_client.get(url, {**query, "q": "Torkham"})
    assert "1 in all" not in fewer.content.decode()  # one page: no pagination at all
    assert fewer.context["page"].paginator.count == 1


def test_every_slice_of_the_evidence_list_is_the_slice_of_all_matches(analyst, agreement):
    """The one-kind evidence list reads each page from the smallest recency window that
    holds it (search.NewestFirst); whichever window that is, the page is the same as the
    same page of every match sorted newest first."""
    patrols = CommitmentFactory(agreement=agreement, title="Create joint border patrols")
    now = timezone.now()
    for days in (0, 1, 3, 6, 10, 40, 89, 95, 200, 400, 800):
        EvidenceFactory(
            commitment=patrols, summary="Patrols seen", logged_at=now - timedelta(days=days)
        )
    matches = search(analyst, "patrols", "evidence")
    every = list(matches)
    assert len(every) == 11
    newest_first = NewestFirst(analyst, "patrols")
    assert newest_first.count() == 11
    for start in range(12):
        for stop in range(start, 13):
            assert newest_first[start:stop] == every[start:stop], (start, stop)
