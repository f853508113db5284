"""The API holds each text to the limit the pages use, and says which field is too long."""

import pytest

from tracker.models import StatusChange, limits

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (limits.REASON + 1)


def test_the_api_refuses_one_character_more_naming_the_field(analyst_api, commitment):
    response = analyst_api.post(
        f"/api/v1/commitments/{commitment.pk}/status/",
        {"status": "stalled", "reason": TOO_LONG, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "no more than 2000 characters" in response.json()["reason"][0]
    assert not StatusChange.objects.exists()
