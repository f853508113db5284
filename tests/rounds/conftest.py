"""An agreement with a history on both sides of a cut-off: Pakistan and Afghanistan, three
commitments (one joint, one each), status changes and evidence before and after
1 April 2026."""

import datetime

import pytest

from tracker import services
from tracker.models import CommitmentStatus, Role

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory

CUTOFF = datetime.date(2026, 4, 1)
TODAY = datetime.date(2026, 6, 15)


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen_today(time_machine):
    time_machine.move_to(moment(TODAY, 9), tick=False)


@pytest.fixture
def pak(db):
    return PartyFactory(code="PAK", name="Pakistan")


@pytest.fixture
def afg(db):
    return PartyFactory(code="AFG", name="Afghanistan")


@pytest.fixture
def representative(afg):
    """Afghanistan's representative: a viewer who replies for Afghanistan."""
    user = UserFactory(username="afg-rep", role=Role.VIEWER)
    user.represents_party = afg
    user.save()
    return user


@pytest.fixture
def accord(pak, afg, analyst):
    agreement = AgreementFactory(
        title="Border accord",
        slug="border-accord",
        signed_on=datetime.date(2026, 1, 31),
        parties=[pak, afg],
    )
    patrols = CommitmentFactory(
        agreement=agreement,
        reference="2.1",
        title="Create joint border patrols",
        timeline_wording="within 3 months",
    )
    CommitmentFactory(
        agreement=agreement,
        reference="3.1",
        title="Share intelligence reports",
        timeline_wording="within 1 month",
        responsible=[pak],
    )
    CommitmentFactory(
        agreement=agreement,
        reference="4.1",
        title="Encourage trade",
        timeline_wording="ongoing",
        responsible=[afg],
    )
    seen = services.evidence_log(
        commitment=patrols,
        by=analyst,
        at=moment(datetime.date(2026, 3, 10)),
        summary="First joint patrol near Torkham",
        reliability="B",
        credibility=2,
        stance="progress",
        source_title="Dawn",
        source_url="https://dawn.example/patrol",
        claimed_by=pak,
    )
    services.commitment_set_status(
        commitment=patrols,
        status=CommitmentStatus.IN_PROGRESS,
        reason="Patrols announced",
        by=analyst,
        evidence=seen,
        at=moment(datetime.date(2026, 3, 12)),
    )
    # After the cut-off: in none of a round cut off on 1 April.
    services.evidence_log(
        commitment=patrols,
        by=analyst,
        at=moment(datetime.date(2026, 5, 2)),
        summary="Patrols suspended",
        reliability="C",
        credibility=3,
        stance="setback",
    )
    patrols.refresh_from_db()
    services.commitment_set_status(
        commitment=patrols,
        status=CommitmentStatus.STALLED,
        reason="Patrols suspended after a clash",
        by=analyst,
        at=moment(datetime.date(2026, 5, 3)),
    )
    return agreement


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client
