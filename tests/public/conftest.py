"""Agreements in each state the public pages must tell apart (issue 22): public, internal,
restricted, and public then restricted. Each holds text that must never leave for the
public; the public one holds it too where its settings keep it internal."""

import datetime

import pytest
from django.utils import timezone

from tracker import services
from tracker.models import MilestoneKind, Role

from ..factories import (
    AgreementFactory,
    CommitmentFactory,
    MilestoneFactory,
    TeamFactory,
    UserFactory,
)

# Never in a public answer: analysts' names, a retracted piece of evidence's content, a
# milestone's note, the titles and texts of agreements that are not public.
ANALYST_NAME = "zoe-analyst"
RETRACTED_TEXT = "Retracted-secret-observation"
RETRACTED_QUOTE = "Retracted-secret-quote"
NOTE_TEXT = "Milestone-note-internal"
INTERNAL_TITLE = "Internal-only accord"
INTERNAL_COMMITMENT = "Internal-only commitment"
RESTRICTED_TITLE = "Secret protocol"
RESTRICTED_COMMITMENT = "Hidden deadline"
FORMER_TITLE = "Formerly public accord"
FORMER_COMMITMENT = "Formerly public commitment"
NEVER_PUBLIC = [
    ANALYST_NAME,
    RETRACTED_TEXT,
    RETRACTED_QUOTE,
    NOTE_TEXT,
    INTERNAL_TITLE,
    INTERNAL_COMMITMENT,
    RESTRICTED_TITLE,
    RESTRICTED_COMMITMENT,
    FORMER_TITLE,
    FORMER_COMMITMENT,
    "Inner circle",
    "Former team",
]


def publish(agreement, **settings):
    agreement.is_public = True
    for name, value in settings.items():
        setattr(agreement, name, value)
    return services.agreement_save(agreement=agreement, parties=agreement.parties.all())


@pytest.fixture
def zoe(db):
    return UserFactory(username=ANALYST_NAME, role=Role.ANALYST)


def _with_history(agreement, analyst, title):
    """A commitment with a status change, standing evidence and retracted evidence."""
    commitment = CommitmentFactory(
        agreement=agreement, reference="1.1", title=title, timeline_wording="within 1 month"
    )
    now = timezone.now()
    kept = services.evidence_log(
        commitment=commitment,
        by=analyst,
        at=now - datetime.timedelta(days=3),
        summary="Patrols seen at the crossing",
        source_url="https://news.example.org/patrols",
        source_title="Patrols begin",
        reliability="B",
        credibility=2,
        stance="progress",
    )
    retracted = services.evidence_log(
        commitment=commitment,
        by=analyst,
        at=now - datetime.timedelta(days=2),
        summary=RETRACTED_TEXT,
        quote=RETRACTED_QUOTE,
        stance="progress",
    )
    services.evidence_retract(evidence=retracted, reason="Misattributed source", by=analyst)
    services.commitment_set_status(
        commitment=commitment,
        status="in_progress",
        reason="Patrols have started",
        evidence=kept,
        by=analyst,
        at=now - datetime.timedelta(days=1),
    )
    MilestoneFactory(agreement=agreement, kind=MilestoneKind.MEETING, name="Review", note=NOTE_TEXT)
    return commitment


@pytest.fixture
def public_agreement(zoe):
    agreement = AgreementFactory(title="Open accord", slug="open-accord")
    _with_history(agreement, zoe, "Open commitment")
    return publish(agreement)


@pytest.fixture
def internal_agreement(zoe):
    agreement = AgreementFactory(title=INTERNAL_TITLE, slug="internal-accord")
    _with_history(agreement, zoe, INTERNAL_COMMITMENT)
    return agreement


@pytest.fixture
def former_agreement(zoe):
    """Public, then restricted to a team: no longer public."""
    agreement = AgreementFactory(title=FORMER_TITLE, slug="former-accord")
    _with_history(agreement, zoe, FORMER_COMMITMENT)
    publish(agreement)
    return services.agreement_save(
        agreement=agreement,
        parties=agreement.parties.all(),
        teams=[TeamFactory(name="Former team")],
    )


@pytest.fixture
def every_state(public_agreement, internal_agreement, restricted_agreement, former_agreement):
    return {
        "public": public_agreement,
        "internal": internal_agreement,
        "restricted": restricted_agreement,
        "public-then-restricted": former_agreement,
    }
