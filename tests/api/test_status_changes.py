"""/api/v1/status-changes/: the history, newest first, visible ones only."""

import pytest

from tracker import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/status-changes/"


def test_it_lists_visible_status_changes_filtered(
    viewer_api, analyst, commitment, restricted_agreement
):
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="a", by=analyst
    )
    services.commitment_set_status(commitment=commitment, status="stalled", reason="b", by=analyst)
    hidden = restricted_agreement.commitments.get()
    services.commitment_set_status(commitment=hidden, status="stalled", reason="c", by=analyst)
    rows = viewer_api.get(URL).json()["results"]
    assert [(row["to_status"], row["changed_by"]) for row in rows] == [
        ("stalled", "analyst"),
        ("in_progress", "analyst"),
    ]
    assert viewer_api.get(URL, {"to_status": "in_progress"}).json()["count"] == 1
    assert viewer_api.get(URL, {"agreement": restricted_agreement.slug}).json()["count"] == 0
