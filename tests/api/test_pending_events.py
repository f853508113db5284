"""The API's pending commitments (counted from an event that has not happened), dating a
milestone (PATCH, editors) and the grace period for prompt commitments."""

import datetime

import pytest
from django.db import connection

from tracker.models import Commitment, MilestoneKind

from ..factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiations(agreement):
    return MilestoneFactory(
        agreement=agreement,
        kind=MilestoneKind.NEGOTIATIONS,
        name="Start of negotiations",
        date=None,
    )


@pytest.fixture
def pending(agreement, negotiations):
    return CommitmentFactory(
        agreement=agreement, timeline_wording="3 months after the start of negotiations"
    )


def _milestone_url(agreement, milestone) -> str:
    return f"/api/v1/agreements/{agreement.slug}/milestones/{milestone.pk}/"


def test_a_pending_commitment_says_so_and_how_its_deadline_was_read(viewer_api, pending):
    body = viewer_api.get(f"/api/v1/commitments/{pending.pk}/").json()
    assert body["pending"] is True
    assert body["due_on"] is None
    assert body["timeline_kind"] == "offset"
    assert body["counted_from"] == "Start of negotiations"
    assert body["reading"] == "due 3 months after the start of negotiations, which has not happened"


def test_the_agreement_lists_its_undated_milestone_with_its_id(viewer_api, agreement, negotiations):
    body = viewer_api.get(f"/api/v1/agreements/{agreement.slug}/").json()
    undated = [m for m in body["milestones"] if m["name"] == "Start of negotiations"]
    assert undated == [
        {
            "id": negotiations.pk,
            "name": "Start of negotiations",
            "kind": "negotiations",
            "date": None,
            "date_is_estimate": False,
            "note": "",
        }
    ]
    assert body["prompt_grace_days"] is None
    assert body["holidays"] == []


def test_an_editor_dates_the_milestone_and_the_pending_commitment_gets_its_date(
    editor_api, agreement, negotiations, pending, editor
):
    response = editor_api.patch(
        _milestone_url(agreement, negotiations), {"date": "2026-05-31"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["date"] == "2026-05-31"
    pending.refresh_from_db()
    assert pending.due_on == datetime.date(2026, 8, 31)
    assert pending.history.latest().history_user == editor


def test_the_milestone_and_the_due_dates_move_in_one_transaction(
    editor_api, agreement, negotiations, pending
):
    def refuse_commitment_updates(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('UPDATE "TRACKER_COMMITMENT"'):
            raise RuntimeError("the due dates could not be written")
        return execute(sql, params, many, context)

    editor_api.raise_request_exception = False
    with connection.execute_wrapper(refuse_commitment_updates):
        response = editor_api.patch(
            _milestone_url(agreement, negotiations), {"date": "2026-05-31"}, format="json"
        )
    assert response.status_code == 500
    negotiations.refresh_from_db()
    assert negotiations.date is None


def test_an_analyst_may_not_date_a_milestone(analyst_api, agreement, negotiations):
    response = analyst_api.patch(
        _milestone_url(agreement, negotiations), {"date": "2026-05-31"}, format="json"
    )
    assert response.status_code == 403
    negotiations.refresh_from_db()
    assert negotiations.date is None


def test_a_milestone_of_a_hidden_agreement_is_a_404(editor_api, restricted_agreement):
    signing = restricted_agreement.milestones.get()
    response = editor_api.patch(
        _milestone_url(restricted_agreement, signing), {"date": "2026-05-31"}, format="json"
    )
    assert response.status_code == 404


def test_a_milestone_of_another_agreement_is_a_404(editor_api, agreement, restricted_agreement):
    other = restricted_agreement.milestones.get()
    response = editor_api.patch(_milestone_url(agreement, other), {"date": None}, format="json")
    assert response.status_code == 404


def test_a_bad_date_is_a_400_and_changes_nothing(editor_api, agreement, negotiations):
    response = editor_api.patch(
        _milestone_url(agreement, negotiations), {"date": "31/05/2026"}, format="json"
    )
    assert response.status_code == 400
    assert "date" in response.json()
    negotiations.refresh_from_db()
    assert negotiations.date is None


def test_the_signing_cannot_lose_its_date(editor_api, agreement):
    signing = agreement.milestones.get(kind="signing")
    response = editor_api.patch(_milestone_url(agreement, signing), {"date": None}, format="json")
    assert response.status_code == 400
    assert agreement.milestones.get(kind="signing").date == datetime.date(2026, 1, 31)


def test_the_grace_period_set_through_the_api_dates_prompt_commitments(editor_api, agreement):
    prompt = CommitmentFactory(agreement=agreement, timeline_wording="as soon as possible")
    response = editor_api.patch(
        f"/api/v1/agreements/{agreement.slug}/", {"prompt_grace_days": 7}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["prompt_grace_days"] == 7
    assert Commitment.objects.get(pk=prompt.pk).due_on == datetime.date(2026, 2, 7)


def test_a_grace_period_of_zero_is_a_400(editor_api, agreement):
    response = editor_api.patch(
        f"/api/v1/agreements/{agreement.slug}/", {"prompt_grace_days": 0}, format="json"
    )
    assert response.status_code == 400
    assert "prompt_grace_days" in response.json()


def test_a_viewer_may_not_change_the_grace_period(viewer_api, agreement):
    response = viewer_api.patch(
        f"/api/v1/agreements/{agreement.slug}/", {"prompt_grace_days": 7}, format="json"
    )
    assert response.status_code == 403
