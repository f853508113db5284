"""/favicon.ico, which browsers ask for on pages that name no icon, leads to the static icon."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_favicon_ico_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]


def test_the_static_icon_is_an_svg_image():
    path = finders.find("favicon.svg")
    assert path
    assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_every_page_of_the_layout_names_the_icon(analyst_client):
    page = analyst_client.get(reverse("tracker:overview")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page
