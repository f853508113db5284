"""Hostile text in every field is shown as text, never run: a corpus of XSS payloads is put
into every text an editor or analyst can type, and every page is read back."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from tracker import services
from tracker.models import CommitmentStatus, Milestone, Source

from ..factories import AgreementFactory, CommitmentFactory, EvidenceFactory, PartyFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "</textarea><script>alert(1)</script>",
    "< / td >< b >Joint military drills td >",
    "{{ 7|add:424242 }}{% now 'Y' %}",
]


def _world(payload: str, analyst) -> dict:
    party = PartyFactory(code="PAK", name=f"Pakistan {payload}")
    agreement = AgreementFactory(
        title=f"Accord {payload}", summary=payload, parties=[party, PartyFactory(code="AFG")]
    )
    Source.objects.create(agreement=agreement, title=payload, publisher=payload)
    milestone = Milestone.objects.create(
        agreement=agreement, name=f"Talks {payload}", date=agreement.signed_on, note=payload
    )
    commitment = CommitmentFactory(
        agreement=agreement,
        reference="1<b>",
        title=f"Patrols {payload}",
        description=payload,
        timeline_wording="within 1 month",
        deadline_milestone=milestone,
        responsible=[party],
    )
    evidence = EvidenceFactory(
        commitment=commitment,
        summary=payload,
        quote=payload,
        source_title=payload,
        source_publisher=payload,
        logged_by=analyst,
    )
    services.commitment_set_status(
        commitment=commitment,
        status=CommitmentStatus.STALLED,
        reason=payload,
        by=analyst,
        evidence=evidence,
    )
    retracted = EvidenceFactory(commitment=commitment, summary=f"second {payload}")
    services.evidence_retract(evidence=retracted, reason=payload, by=analyst)
    services.overdue_scan(today=TODAY)
    return {"agreement": agreement, "commitment": commitment}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_page_shows_hostile_text_as_text(analyst_client, analyst, payload):
    world = _world(payload, analyst)
    pages = [
        reverse("tracker:overview"),
        reverse("tracker:agreement-list"),
        world["agreement"].get_absolute_url(),
        world["commitment"].get_absolute_url(),
        reverse("tracker:overdue"),
        reverse("tracker:search") + "?q=" + payload,
        reverse("tracker:search") + "?kind=evidence&q=" + payload,
    ]
    for url in pages:
        html = analyst_client.get(url).content.decode()
        assert payload not in html, f"{url} shows the payload unescaped"
        assert "424249" not in html, f"{url} evaluated template syntax"
    commitment_page = analyst_client.get(world["commitment"].get_absolute_url()).content.decode()
    assert escape(payload) in commitment_page


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.org/a"]
)
def test_links_are_limited_to_the_web(url, agreement):
    source = Source(agreement=agreement, title="t", url=url)
    with pytest.raises(ValidationError) as raised:
        source.full_clean()
    assert "url" in raised.value.message_dict
