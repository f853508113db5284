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


@pytest.fixture
def text_bound_values():
    """Values sent to PostgreSQL as text, as with DATABASE_PREPARED_STATEMENTS=0 (behind a
    pooler): there PostgreSQL itself reads a date-time's offset, and refuses one beyond
    ±15:59 (the server-bound default sends it in binary, already in UTC)."""
    from django.db import connection
    from django.db.backends.postgresql.base import Cursor

    connection.ensure_connection()
    kept = connection.connection.cursor_factory
    connection.connection.cursor_factory = Cursor
    yield
    connection.connection.cursor_factory = kept


@pytest.mark.parametrize("offset", ["+23:00", "-23:59", "+16:00", "+05:00", "Z"])
def test_since_takes_any_offset(viewer_api, analyst, commitment, text_bound_values, offset):
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="a", by=analyst
    )
    response = viewer_api.get(URL, {"since": f"2026-01-01T00:00:00{offset}"})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1


def test_since_counts_the_offset(viewer_api, analyst, commitment, time_machine):
    time_machine.move_to("2026-03-01T12:00:00Z", tick=False)
    services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="a", by=analyst
    )
    # 2026-03-02T11:00+23:00 is 2026-03-01T12:00Z: the moment of the change.
    assert viewer_api.get(URL, {"since": "2026-03-02T11:00:00+23:00"}).json()["count"] == 1
    assert viewer_api.get(URL, {"since": "2026-03-02T11:00:01+23:00"}).json()["count"] == 0


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+23:00", "9999-12-31T23:59:59-23:00"])
def test_since_out_of_range_in_utc_is_a_400(viewer_api, since):
    response = viewer_api.get(URL, {"since": since})
    assert response.status_code == 400
    assert response.json() == {"since": ["This date and time is out of range in UTC."]}
