"""The admin's data entry: parties chosen by typing, dates by the browser's date picker, and
a slug made from the title with its dashes kept."""

import datetime

import pytest
from django.urls import reverse

from tracker.models import Agreement
from tracker.models.agreements import slug_from_title

from .factories import AgreementFactory, EvidenceFactory, PartyFactory
from .test_admin import _agreement_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return [PartyFactory(code="IND", name="India"), PartyFactory(code="BGD", name="Bangladesh")]


def test_it_offers_the_parties_as_an_autocomplete(editor_client):
    response = editor_client.get(reverse("admin:tracker_agreement_add"))
    field = response.context["adminform"].form.fields["parties"]
    assert "admin-autocomplete" in field.widget.render("parties", [])
    assert "admin/js/autocomplete.js" in str(response.context["media"])


def test_the_parties_autocomplete_finds_a_party_by_name(editor_client, parties):
    params = {"app_label": "tracker", "model_name": "agreement", "field_name": "parties"}
    response = editor_client.get(reverse("admin:autocomplete"), {**params, "term": "bangla"})
    assert [row["text"] for row in response.json()["results"]] == ["Bangladesh (BGD)"]


def test_it_enters_the_agreements_dates_with_date_inputs(editor_client):
    page = editor_client.get(reverse("admin:tracker_agreement_add")).content.decode()
    for name in ["signed_on", "milestones-0-date"]:
        assert f'type="date" name="{name}"' in page


def test_it_enters_the_evidences_dates_with_date_inputs(editor_client, commitment):
    EvidenceFactory(commitment=commitment)
    url = reverse("admin:tracker_evidence_change", args=[commitment.evidence.get().pk])
    page = editor_client.get(url).content.decode()
    for name in ["occurred_on", "source_date"]:
        assert f'type="date" name="{name}"' in page


def test_it_shows_a_stored_date_in_the_date_inputs_format(editor_client):
    agreement = AgreementFactory(signed_on=datetime.date(2026, 9, 1))
    page = editor_client.get(reverse("admin:tracker_agreement_change", args=[agreement.pk]))
    assert 'type="date" name="signed_on" value="2026-09-01"' in page.content.decode()


def test_it_keeps_an_en_dash_of_the_title_as_a_hyphen_of_the_slug():
    title = "India–Bangladesh Land Boundary Agreement — Protocol (Dhaka/Delhi), café"
    assert slug_from_title(title) == (
        "india-bangladesh-land-boundary-agreement-protocol-dhaka-delhi-cafe"
    )


def test_it_makes_the_slug_from_the_title_when_left_empty(editor_client, parties):
    data = {**_agreement_form(parties), "title": "India–Bangladesh accord", "slug": ""}
    response = editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert response.status_code == 302, response.context["errors"]
    assert Agreement.objects.get().slug == "india-bangladesh-accord"


def test_a_slug_made_from_the_title_takes_the_first_free_one(editor_client, parties):
    AgreementFactory(slug="india-bangladesh-accord")
    data = {**_agreement_form(parties), "title": "India–Bangladesh accord", "slug": ""}
    editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert Agreement.objects.filter(slug="india-bangladesh-accord-2").exists()


def test_an_agreement_left_without_a_slug_keeps_the_one_its_title_gives(editor_client, parties):
    agreement = AgreementFactory(title="India–Bangladesh accord", slug="india-bangladesh-accord")
    data = {**_agreement_form(parties), "title": agreement.title, "slug": ""}
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    agreement.refresh_from_db()
    assert agreement.slug == "india-bangladesh-accord"


def test_a_title_with_no_letters_asks_for_a_slug(editor_client, parties):
    data = {**_agreement_form(parties), "title": "—", "slug": ""}
    response = editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert response.status_code == 200
    assert "none can be made from this title" in response.content.decode()
