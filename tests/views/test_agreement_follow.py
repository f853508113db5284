"""POST /agreements/<slug>/follow/: a plain POST redirects back, htmx gets the button."""

import pytest
from django.urls import reverse

from ..factories import AgreementFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _url(agreement) -> str:
    return reverse("tracker:agreement-follow", args=[agreement.slug])


def test_it_follows_and_redirects_back_to_the_agreement(analyst_client, analyst, agreement):
    response = analyst_client.post(_url(agreement), {"follow": "1"})
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert list(analyst.followed_agreements.all()) == [agreement]


def test_it_answers_htmx_with_the_button_in_its_new_state(analyst_client, analyst, agreement):
    analyst.followed_agreements.add(agreement)
    response = analyst_client.post(_url(agreement), {"follow": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="follow-button"')
    assert 'name="follow" value="1"' in html
    assert ">\n    Follow\n" in html
    assert "HX-Request" in response["Vary"]
    assert not analyst.followed_agreements.exists()


def test_the_agreement_page_shows_the_button(analyst_client, analyst, agreement):
    analyst.followed_agreements.add(agreement)
    html = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert 'id="follow-button"' in html
    assert 'name="follow" value="0"' in html


def test_an_agreement_the_user_may_not_see_is_404(analyst_client, analyst):
    hidden = AgreementFactory()
    hidden.teams.add(TeamFactory())
    assert analyst_client.post(_url(hidden), {"follow": "1"}).status_code == 404
    assert not analyst.followed_agreements.exists()


def test_it_refuses_get_and_a_missing_choice(analyst_client, agreement):
    assert analyst_client.get(_url(agreement)).status_code == 405
    assert analyst_client.post(_url(agreement), {}).status_code == 400


def test_it_needs_a_login(client, agreement):
    assert client.post(_url(agreement), {"follow": "1"}).status_code == 302
