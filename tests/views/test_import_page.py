"""/import/: an editor uploads, previews what would change, and confirms."""

import datetime
import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker.models import Agreement, Commitment
from tracker.views.imports import PAYLOAD_SALT

pytestmark = pytest.mark.django_db

URL = reverse("tracker:import")
YAML = b"""
parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    commitments:
      - {reference: "1", title: Patrols, timeline: within 3 months}
      - {reference: "2", title: Hotline, timeline: within 1 month}
"""


def _upload(client, content: bytes = YAML, name: str = "doha.yaml"):
    return client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile(name, content)}, follow=False
    )


def _payload(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1]


def test_it_is_for_those_who_may_import(analyst_client):
    assert analyst_client.get(URL).status_code == 403


def test_it_asks_anonymous_users_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_upload_form(editor_client):
    response = editor_client.get(URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_the_preview_shows_what_would_change_and_saves_nothing(editor_client):
    response = _upload(editor_client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of <bdi>doha.yaml</bdi>" in page
    assert re.search(r"<td>commitment</td><td>created</td><td class=\"num\">2</td>", page)
    assert not Agreement.objects.exists()


def test_confirming_imports_and_goes_to_the_agreement(editor_client, editor):
    payload = _payload(_upload(editor_client))
    response = editor_client.post(URL, {"action": "confirm", "payload": payload})
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:agreement-detail", args=["doha"])
    assert Commitment.objects.filter(agreement__slug="doha").count() == 2


def test_errors_are_listed_with_row_and_field_and_nothing_is_saved(editor_client):
    response = _upload(editor_client, YAML.replace(b"within 1 month", b"soonish"))
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "doha.yaml: agreement 1 “Doha follow-up”, commitment 2 (ref 2), field timeline:" in page
    assert "payload" not in page
    assert not Agreement.objects.exists()


def test_a_tampered_payload_is_refused(editor_client):
    payload = _payload(_upload(editor_client))
    response = editor_client.post(URL, {"action": "confirm", "payload": payload[:-2] + "xx"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not Agreement.objects.exists()


def test_a_payload_signed_for_someone_else_is_refused(editor_client, admin_user):
    document = {"agreements": []}
    payload = signing.dumps(
        {"user": admin_user.pk, "name": "x.yaml", "document": document}, salt=PAYLOAD_SALT
    )
    response = editor_client.post(URL, {"action": "confirm", "payload": payload})
    assert response["Location"] == URL


def test_a_file_of_another_type_is_refused_beside_the_field(editor_client):
    response = _upload(editor_client, b"x", name="doha.txt")
    assert (
        "Upload a JSON, YAML, CSV or XLSX file (.json, .yaml, .yml, .csv, .xlsx)."
        in response.content.decode()
    )


def test_editors_see_the_import_link_and_analysts_do_not(editor_client, analyst, client):
    assert f'href="{URL}"' in editor_client.get(reverse("tracker:overview")).content.decode()
    client.force_login(analyst)
    assert f'href="{URL}"' not in client.get(reverse("tracker:overview")).content.decode()


def test_an_xlsx_upload_previews_and_imports(editor_client):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(
        ["agreement", "agreement_title", "signed_on", "parties", "reference", "title"]
    )
    workbook.active.append(
        [
            "doha",
            "Doha",
            datetime.date(2026, 1, 31),
            "Pakistan (PAK), Afghanistan (AFG)",
            "1",
            "Patrols",
        ]
    )
    content = io.BytesIO()
    workbook.save(content)
    payload = _payload(_upload(editor_client, content.getvalue(), name="doha.xlsx"))
    editor_client.post(URL, {"action": "confirm", "payload": payload})
    assert Agreement.objects.get(slug="doha").signed_on == datetime.date(2026, 1, 31)


def test_if_the_data_changed_since_the_preview_the_confirmation_reports_it(
    editor_client, restricted_agreement
):
    payload = _payload(_upload(editor_client))
    restricted_agreement.slug = "doha"
    restricted_agreement.save()
    response = editor_client.post(URL, {"action": "confirm", "payload": payload})
    assert response.status_code == 409
    assert "field slug: This slug is not available: try “doha-2”." in response.content.decode()
    assert not Commitment.objects.filter(agreement__slug="doha", reference="1").exists()


def test_a_slug_held_by_an_agreement_the_editor_cannot_see_is_refused_without_a_trace(
    editor_client, restricted_agreement
):
    text = YAML.replace(b"slug: doha", b"slug: secret-protocol")
    html = _upload(editor_client, text).content.decode()
    assert "field slug: This slug is not available: try “secret-protocol-2”." in html
    assert "Secret protocol" not in html
    assert "Hidden deadline" not in html
    assert Agreement.objects.get(slug="secret-protocol").title == "Secret protocol"
