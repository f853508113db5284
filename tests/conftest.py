import datetime

import pytest

from tracker.models import CommitmentStatus, Role

from .factories import AgreementFactory, CommitmentFactory, TeamFactory, UserFactory


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=Role.VIEWER)


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=Role.ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role=Role.EDITOR, is_staff=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def agreement(db):
    """Signed on 31 January 2026, between two parties."""
    return AgreementFactory(signed_on=datetime.date(2026, 1, 31))


@pytest.fixture
def commitment(agreement):
    """Due three months after the signing: 30 April 2026."""
    return CommitmentFactory(agreement=agreement, timeline_wording="within 3 months")


@pytest.fixture
def overdue_commitment(agreement):
    """Due on 28 February 2026 and not started."""
    return CommitmentFactory(
        agreement=agreement,
        timeline_wording="within 1 month",
        status=CommitmentStatus.NOT_STARTED,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs a third of a second a password; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def restricted_agreement(db):
    """Shared with one team that none of the role fixtures belongs to."""
    agreement = AgreementFactory(title="Secret protocol", slug="secret-protocol")
    agreement.teams.add(TeamFactory(name="Inner circle"))
    CommitmentFactory(agreement=agreement, reference="9.9", title="Hidden deadline")
    return agreement
