"""Machine-read output never follows the reader's language (issue 23): the API's JSON, the
CSV exports, the open dataset and the calendar feed are the same bytes in English, French
and Urdu, numbers and dates included."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tracker import services
from tracker.models import AgreementText, Role, Stance, User

from ..factories import AgreementFactory, CommitmentFactory, UserFactory
from ..public.conftest import publish

pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "fr", "ur")


@pytest.fixture
def world(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 5, 9, 30, tzinfo=datetime.UTC), tick=False)
    analyst = UserFactory(username="reader", role=Role.ANALYST)
    agreement = AgreementFactory(
        title="Accord frontalier", slug="accord", signed_on=datetime.date(2026, 3, 1)
    )
    for number, wording in enumerate(["within 30 days", "within 1 year", "within 2 years"]):
        commitment = CommitmentFactory(
            agreement=agreement, reference=f"1.{number + 1}", timeline_wording=wording
        )
        services.evidence_log(
            commitment=commitment, by=analyst, summary="Patrouilles", stance=Stance.PROGRESS
        )
    services.commitment_set_status(
        commitment=commitment, status="partial", reason="Half done", by=analyst
    )
    services.agreement_text_save(
        text=AgreementText(agreement=agreement, language="fr", title="Accord", text="Texte")
    )
    services.overdue_scan(today=datetime.date(2026, 12, 5))
    publish(agreement)
    return analyst, agreement


def _urls(analyst, agreement) -> list[str]:
    return [
        reverse("api-agreement-detail", args=[agreement.slug]),
        reverse("api-commitment-list"),
        agreement.get_absolute_url() + "?format=csv",
        reverse("tracker:overdue") + "?format=csv",
        reverse("tracker:calendar-feed", args=[analyst.calendar_token]),
        reverse("public:open-data-csv"),
        reverse("public:open-data-json"),
    ]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_machine_read_output_is_the_same_bytes_in_every_language(world):
    analyst, agreement = world
    client = Client()
    client.force_login(analyst)
    bodies = {}
    for language in LANGUAGES:
        User.objects.filter(pk=analyst.pk).update(language=language)
        for url in _urls(analyst, agreement):
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, url
            bodies.setdefault(url, {})[language] = _body(response)
    for url, by_language in bodies.items():
        assert by_language["fr"] == by_language["en"], url
        assert by_language["ur"] == by_language["en"], url


def test_the_pages_themselves_do_follow_the_language(world):
    """The counterpart: the same agreement's page differs, so the test above can fail."""
    analyst, agreement = world
    client = Client()
    client.force_login(analyst)
    pages = {
        language: client.get(
            agreement.get_absolute_url(), headers={"accept-language": language}
        ).content
        for language in LANGUAGES
    }
    assert b"mars" in pages["fr"]
    assert "مارچ".encode() in pages["ur"]
