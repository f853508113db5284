"""Evidence attachments: type checked on content, size limited, stored under generated names,
served only to users who may see the agreement, always as a download."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker.models import Evidence

from ..factories import AgreementFactory, CommitmentFactory, TeamFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _log(client, commitment, upload):
    return client.post(
        commitment.get_absolute_url(),
        {
            "action": "log-evidence",
            "summary": "Signed minutes",
            "stance": "progress",
            "reliability": "A",
            "credibility": "1",
            "attachment": upload,
        },
        HTTP_HX_REQUEST="true",
    )


def test_a_pdf_is_stored_under_a_generated_name(analyst_client, commitment):
    _log(analyst_client, commitment, SimpleUploadedFile("minutes <final>.pdf", PDF))
    evidence = Evidence.objects.get()
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.pdf", evidence.attachment.name)
    assert evidence.attachment_name == "minutes <final>.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not accepted"),
        (
            "picture.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "not accepted",
        ),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 60, "not accepted"),
        ("photo.pdf", PNG, "content is PNG but its name ends in “.pdf”"),
    ],
)
def test_a_file_is_judged_by_its_content(analyst_client, commitment, name, content, message):
    response = _log(analyst_client, commitment, SimpleUploadedFile(name, content))
    assert message in " ".join(response.context["evidence_form"].errors["attachment"])
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(analyst_client, commitment, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = _log(analyst_client, commitment, big)
    assert "the limit is 1 MB" in " ".join(response.context["evidence_form"].errors["attachment"])
    assert not Evidence.objects.exists()


def test_plain_text_is_accepted(analyst_client, commitment):
    _log(analyst_client, commitment, SimpleUploadedFile("notes.txt", "Gespräch, 3 Mai".encode()))
    assert Evidence.objects.get().attachment.name.endswith(".txt")


def test_the_download_is_an_attachment_that_cannot_be_sniffed(analyst_client, commitment):
    _log(analyst_client, commitment, SimpleUploadedFile("minutes.pdf", PDF))
    evidence = Evidence.objects.get()
    response = analyst_client.get(reverse("tracker:evidence-attachment", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_an_outsider_gets_a_404_for_a_restricted_attachment(client, analyst, viewer):
    restricted = AgreementFactory()
    team = TeamFactory()
    team.members.add(analyst)
    restricted.teams.add(team)
    commitment = CommitmentFactory(agreement=restricted)
    client.force_login(analyst)
    _log(client, commitment, SimpleUploadedFile("minutes.pdf", PDF))
    url = reverse("tracker:evidence-attachment", args=[Evidence.objects.get().pk])
    assert client.get(url).status_code == 200
    client.force_login(viewer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
