import pytest

from ..factories import AgreementFactory, CommitmentFactory, TeamFactory


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def restricted_agreement(db):
    """Shared with one team that none of the role fixtures belongs to."""
    agreement = AgreementFactory(title="Secret protocol", slug="secret-protocol")
    agreement.teams.add(TeamFactory(name="Inner circle"))
    CommitmentFactory(agreement=agreement, reference="9.9", title="Hidden deadline")
    return agreement
