"""An agreement's text in several languages (issue 23): which one a page shows, the
"Also available in" links, the admin's inline through the service, the API's `texts`, and
the import format's round trip."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exports, selectors, services
from tracker.import_files import read_document
from tracker.importer import run_import
from tracker.models import Agreement, AgreementText, Role
from tracker.selectors import agreement_texts

from ..factories import UserFactory
from ..helpers import add_inline_form, admin_form_data
from ..public.conftest import publish

pytestmark = pytest.mark.django_db

ENGLISH = "The Parties agree to establish joint border patrols."
FRENCH = "Les Parties conviennent d'établir des patrouilles frontalières conjointes."


def _text(agreement, language, text, *, authentic=False) -> AgreementText:
    return services.agreement_text_save(
        text=AgreementText(
            agreement=agreement,
            language=language,
            title=f"Accord ({language})",
            text=text,
            is_authentic=authentic,
        )
    )


@pytest.fixture
def bilingual(agreement):
    _text(agreement, "en", ENGLISH, authentic=True)
    _text(agreement, "fr", FRENCH, authentic=True)
    return agreement


def test_the_readers_language_is_shown_when_present(bilingual):
    assert agreement_texts(bilingual, wanted=None, reader="fr").shown.text == FRENCH
    assert agreement_texts(bilingual, wanted=None, reader="en").shown.text == ENGLISH


def test_a_language_without_a_text_gets_the_original(agreement):
    _text(agreement, "fr", FRENCH, authentic=True)
    _text(agreement, "en", ENGLISH)  # a translation
    texts = agreement_texts(agreement, wanted=None, reader="ur")
    assert texts.shown.text == FRENCH
    assert texts.others == [("en", "English")]


def test_lang_picks_another_text_and_an_unknown_one_is_ignored(bilingual):
    assert agreement_texts(bilingual, wanted="fr", reader="en").shown.text == FRENCH
    assert agreement_texts(bilingual, wanted="xx", reader="en").shown.text == ENGLISH


def test_an_agreement_without_texts_shows_none(agreement):
    assert agreement_texts(agreement, wanted="fr", reader="fr").shown is None


def test_one_text_per_language_and_only_the_sites_languages(bilingual):
    with pytest.raises(ValidationError, match="already has a text"):
        _text(bilingual, "fr", "Encore")
    with pytest.raises(ValidationError):
        _text(bilingual, "de", "Deutsch")
    assert bilingual.texts.count() == 2


def test_the_agreement_page_shows_the_readers_text_and_links_the_others(analyst_client, bilingual):
    url = bilingual.get_absolute_url()
    html = analyst_client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert FRENCH.replace("'", "&#x27;") in html
    assert ENGLISH not in html
    assert '<a href="?lang=en" lang="en" hreflang="en">English</a>' in html
    html = analyst_client.get(url + "?lang=en", headers={"accept-language": "fr"}).content.decode()
    assert ENGLISH in html


def test_the_public_agreement_page_shows_the_text_in_the_browsers_language(bilingual):
    publish(bilingual)
    url = reverse("public:agreement-detail", args=[bilingual.slug])
    html = Client().get(url, headers={"accept-language": "fr"}).content.decode()
    assert FRENCH.replace("'", "&#x27;") in html
    assert '<a href="?lang=en"' in html


def test_the_api_gives_every_text(analyst_client, bilingual):
    url = reverse("api-agreement-detail", args=[bilingual.slug])
    texts = analyst_client.get(url).json()["texts"]
    assert [(text["language"], text["text"], text["is_authentic"]) for text in texts] == [
        ("en", ENGLISH, True),
        ("fr", FRENCH, True),
    ]
    assert texts[0]["source_url"] is None


def test_the_admin_inline_saves_texts_through_the_service_with_history(editor_client, agreement):
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    data = admin_form_data(editor_client.get(url))
    add_inline_form(
        data, "texts", {"language": "ur", "title": "معاہدہ", "text": "متن", "is_authentic": "on"}
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    text = agreement.texts.get()
    assert (text.language, text.is_authentic) == ("ur", True)
    assert text.history.get().history_user.username == "editor"


def test_the_admin_inline_refuses_a_second_text_in_a_language(editor_client, bilingual):
    url = reverse("admin:tracker_agreement_change", args=[bilingual.pk])
    data = admin_form_data(editor_client.get(url))
    add_inline_form(data, "texts", {"language": "fr", "title": "Encore", "text": "Encore"})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert bilingual.texts.count() == 2


def _exported(agreement) -> dict:
    return exports.agreements_document(
        selectors.agreements_for_export(Agreement.objects.filter(pk=agreement.pk))
    )


def test_texts_travel_through_export_and_import(bilingual):
    document = _exported(bilingual)
    assert [text["language"] for text in document["agreements"][0]["texts"]] == ["en", "fr"]
    AgreementText.objects.all().delete()
    payload = json.dumps(document).encode()
    run_import(read_document("texts.json", payload), file_name="texts.json", by=None)
    again = _exported(bilingual)
    assert again["agreements"][0]["texts"] == document["agreements"][0]["texts"]


def test_an_import_with_a_language_the_site_lacks_is_refused(agreement):
    document = _exported(agreement)
    document["agreements"][0]["texts"] = [{"language": "de", "title": "T", "text": "Text"}]
    from tracker.import_files import ImportFailed

    with pytest.raises(ImportFailed, match="“de” is not one of en, fr, ur"):
        run_import(
            read_document("de.json", json.dumps(document).encode()), file_name="de.json", by=None
        )
    assert not AgreementText.objects.exists()


def test_the_agreement_page_reads_the_texts_in_one_query(analyst_client, bilingual):
    UserFactory(username="x", role=Role.VIEWER)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        analyst_client.get(bilingual.get_absolute_url())
    assert sum("tracker_agreementtext" in q["sql"] for q in queries.captured_queries) == 1


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(wanted=st.text(max_size=30))
def test_any_lang_parameter_shows_a_page(analyst_client, bilingual, wanted):
    response = analyst_client.get(bilingual.get_absolute_url(), {"lang": wanted})
    assert response.status_code == 200
