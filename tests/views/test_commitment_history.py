"""The commitment page's history entries written in Python (`templatetags/history.py`): a
status change, a deadline extension, an overdue flag and its clearing, and each party's
changes, with user text escaped and isolated, and the words in the reader's language."""

import pytest

from tracker import services
from tracker.models import CommitmentStatus, Role

from ..factories import CommitmentFactory, UserFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert('x')</script> \u202eevil"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; \u202eevil"


@pytest.fixture
def mover(db):
    return UserFactory(username="m<o>ver", role=Role.ANALYST)


def _page(client, commitment) -> str:
    return client.get(commitment.get_absolute_url()).content.decode()


def test_a_status_change_isolates_its_author_and_escapes_its_reasons(
    analyst_client, commitment, mover
):
    services.criterion_add(commitment=commitment, text="A patrol", by=mover)
    services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.IMPLEMENTED,
        reason=HOSTILE + "\r\nsecond line",
        by=mover,
        unmet_criteria_reason=HOSTILE,
    )
    page = _page(analyst_client, commitment)
    assert "<p><strong><bdi>m&lt;o&gt;ver</bdi></strong> moved it from" in page
    assert f'<span class="user-block" dir="auto">{ESCAPED}<br>second line</span>' in page
    assert '<p class="reason unmet-criteria">Implemented with completion criteria unmet' in page
    assert "<script>" not in page


def test_a_partys_change_names_the_party_in_the_history_and_under_its_status(
    analyst_client, commitment
):
    party = commitment.responsible_parties.order_by("code").first()
    services.obligation_set_status(
        commitment=commitment,
        party=party,
        status=CommitmentStatus.STALLED,
        reason="held up",
        by=None,
    )
    page = _page(analyst_client, commitment)
    assert f"someone</bdi></strong> moved the part of <bdi>{party.code}</bdi> from" in page
    assert "· <bdi>someone</bdi></p>" in page


def test_an_extension_isolates_both_wordings_and_its_source(analyst_client, commitment, mover):
    services.commitment_extend_deadline(
        commitment=commitment,
        wording="by 1 December 2026",
        reason="agreed",
        by=mover,
        source_title=HOSTILE,
    )
    page = _page(analyst_client, commitment)
    assert (
        "by <strong><bdi>m&lt;o&gt;ver</bdi></strong>: from 30 Apr 2026 "
        "(“<bdi>within 3 months</bdi>”) to 1 Dec 2026 (“<bdi>by 1 December 2026</bdi>”)"
    ) in page
    assert f'<p class="muted">Source: <bdi>{ESCAPED}</bdi></p>' in page


def test_a_flag_and_its_clearing_are_in_the_readers_language(client, agreement):
    reader = UserFactory(username="lecteur", role=Role.ANALYST, language="fr")
    client.force_login(reader)
    late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=TODAY)
    services.commitment_set_status(
        commitment=late, status=CommitmentStatus.IMPLEMENTED, reason="fait", by=reader
    )
    page = _page(client, late)
    assert '<li class="history-flagged">' in page
    assert "Signalé en retard</span> la date d'échéance du 28 fév. 2026 est passée." in page
    assert '<li class="history-cleared">' in page
    assert "Signalement de retard levé</span>" in page
