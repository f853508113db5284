import pytest

from ..factories import PartyFactory

pytestmark = pytest.mark.django_db


def test_it_lists_parties_and_finds_one_by_code(viewer_api):
    PartyFactory(code="PAK", name="Pakistan")
    assert viewer_api.get("/api/v1/parties/").json()["results"] == [
        {"code": "PAK", "name": "Pakistan", "kind": "state"}
    ]
    assert viewer_api.get("/api/v1/parties/PAK/").json()["name"] == "Pakistan"
    assert viewer_api.get("/api/v1/parties/XXX/").status_code == 404
