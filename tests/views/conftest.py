import datetime

import pytest

from tracker import services
from tracker.models import CommitmentStatus

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today(time_machine):
    """Pages count days from today; the fixtures' agreements are signed on 31 January 2026."""
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)


def populate(count: int, *, analyst) -> list:
    """`count` agreements, each with overdue, due-soon and implemented commitments, evidence
    and status changes: every page has something of each kind to show."""
    agreements = []
    for _ in range(count):
        agreement = AgreementFactory()
        late = CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
        CommitmentFactory(agreement=agreement, timeline_wording="by 1 July 2026")
        # Dated: one with no deadline (and no criterion) is not verifiable, and not scored.
        done = CommitmentFactory(agreement=agreement, timeline_wording="by 1 December 2026")
        EvidenceFactory(commitment=late, logged_by=analyst)
        services.commitment_set_status(
            commitment=done, status=CommitmentStatus.IMPLEMENTED, reason="done", by=analyst
        )
        agreements.append(agreement)
    services.overdue_scan(today=TODAY)
    return agreements


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client
