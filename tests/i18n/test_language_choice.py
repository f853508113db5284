"""Which language a page is in (tracker/locale.py), the header's switcher and the
preferences page's choice (issue 23)."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from tracker.locale import language_from_accept
from tracker.models import User
from tracker.settings import _language_code

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("tracker:overview")
PREFERENCES = reverse("tracker:preferences")
SWITCH = reverse("tracker:set-language")
LOGIN = reverse("login")


def html_lang(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', response.content.decode())
    assert match, "no <html lang dir>"
    return match[1], match[2]


def test_it_answers_in_english_when_the_browser_asks_for_nothing(client):
    response = client.get(LOGIN)
    assert html_lang(response) == ("en", "ltr")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_it_follows_accept_language_before_sign_in(client):
    response = client.get(LOGIN, headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert html_lang(response) == ("fr", "ltr")


def test_an_unknown_language_gives_english(client):
    response = client.get(LOGIN, headers={"accept-language": "de-DE,xx;q=0.5"})
    assert html_lang(response) == ("en", "ltr")


def test_urdu_pages_are_right_to_left(client):
    response = client.get(LOGIN, headers={"accept-language": "ur"})
    assert html_lang(response) == ("ur", "rtl")


def test_the_users_choice_beats_accept_language(analyst_client, analyst):
    User.objects.filter(pk=analyst.pk).update(language="ur")
    response = analyst_client.get(OVERVIEW, headers={"accept-language": "fr"})
    assert html_lang(response) == ("ur", "rtl")


def test_a_user_who_chose_nothing_follows_the_browser(analyst_client):
    response = analyst_client.get(OVERVIEW, headers={"accept-language": "fr"})
    assert html_lang(response) == ("fr", "ltr")


def test_a_language_no_longer_offered_falls_back_to_the_browser(analyst_client, analyst):
    User.objects.filter(pk=analyst.pk).update(language="de")
    response = analyst_client.get(OVERVIEW, headers={"accept-language": "fr"})
    assert html_lang(response) == ("fr", "ltr")


def test_the_language_does_not_leak_past_the_request(analyst_client, analyst):
    User.objects.filter(pk=analyst.pk).update(language="ur")
    analyst_client.get(OVERVIEW)
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_public_pages_read_accept_language_alone(admin_client, admin_user):
    User.objects.filter(pk=admin_user.pk).update(language="ur")
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    url = reverse("public:agreement-list")
    assert html_lang(admin_client.get(url)) == ("en", "ltr")
    assert html_lang(admin_client.get(url, headers={"accept-language": "fr"})) == ("fr", "ltr")


def test_the_switcher_saves_a_signed_in_users_choice(analyst_client, analyst):
    response = analyst_client.post(SWITCH, {"language": "fr", "next": PREFERENCES})
    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    analyst.refresh_from_db()
    assert analyst.language == "fr"
    assert html_lang(analyst_client.get(OVERVIEW, headers={"accept-language": "en"}))[0] == "fr"


def test_the_switcher_works_before_sign_in_with_its_cookie(client):
    client.post(SWITCH, {"language": "ur", "next": LOGIN})
    assert html_lang(client.get(LOGIN, headers={"accept-language": "fr"})) == ("ur", "rtl")


def test_the_switcher_refuses_an_unknown_language_and_changes_nothing(analyst_client, analyst):
    response = analyst_client.post(SWITCH, {"language": "xx", "next": OVERVIEW})
    assert response.status_code == 400
    analyst.refresh_from_db()
    assert analyst.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_header_offers_every_language_named_in_itself(analyst_client):
    html = analyst_client.get(OVERVIEW, headers={"accept-language": "ur"}).content.decode()
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}" class="link-button"' in html
        assert f">{name}</button>" in html


def test_the_preferences_page_saves_the_language(analyst_client, analyst):
    response = analyst_client.post(PREFERENCES, {"form": "language", "language": "ur"})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.language == "ur"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ur"
    page = analyst_client.get(PREFERENCES)
    assert page.context["language_form"]["language"].value() == "ur"


def test_the_preferences_page_can_follow_the_browser_again(analyst_client, analyst):
    User.objects.filter(pk=analyst.pk).update(language="fr")
    analyst_client.post(PREFERENCES, {"form": "language", "language": ""})
    analyst.refresh_from_db()
    assert analyst.language == ""
    assert html_lang(analyst_client.get(OVERVIEW, headers={"accept-language": "ur"}))[0] == "ur"


def test_the_preferences_page_refuses_an_unknown_language(analyst_client, analyst):
    response = analyst_client.post(PREFERENCES, {"form": "language", "language": "xx"})
    assert response.status_code == 200
    assert response.context["language_form"].errors["language"]
    analyst.refresh_from_db()
    assert analyst.language == ""


def test_the_language_setting_is_checked():
    assert _language_code(" FR ") == "fr"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LANGUAGE_CODE"):
        _language_code("de")


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("en", "5 Dec 2026", "5 December 2026"),
        ("fr", "5 déc. 2026", "5 décembre 2026"),
        ("ur", "5 دسمبر 2026", "5 دسمبر 2026"),
    ],
)
def test_dates_are_written_in_the_readers_language(language, short, long):
    template = Template("{% load tracker %}{{ value|day }}|{{ value|long_day }}")
    with translation.override(language):
        assert template.render(Context({"value": date(2026, 12, 5)})) == f"{short}|{long}"


@given(header=st.text(max_size=200))
def test_any_accept_language_header_gives_one_of_the_languages(header):
    assert language_from_accept(header) in {code for code, _name in settings.LANGUAGES}


@settings_hypothesis(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(language=st.text(max_size=20))
def test_the_switcher_never_fails_on_any_language_value(client, language):
    response = client.post(SWITCH, {"language": language, "next": LOGIN})
    assert response.status_code in (302, 400)


def test_a_request_without_a_session_is_answered_without_reading_one(client):
    response = client.get(reverse("favicon"), headers={"accept-language": "fr"})
    assert response["Content-Language"] == "fr"
    assert "Cookie" not in response.get("Vary", "")
