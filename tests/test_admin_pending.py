"""The agreement's admin page: dating an event that had not happened, the grace period for
prompt commitments and the public holidays, each moving the due dates in the same save."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tracker.models import Commitment, MilestoneKind

from .factories import AgreementFactory, CommitmentFactory, MilestoneFactory
from .helpers import add_inline_form, admin_form_data

pytestmark = pytest.mark.django_db

D = datetime.date


def _change_page(client, agreement) -> tuple[str, dict]:
    url = reverse("admin:tracker_agreement_change", args=[agreement.pk])
    return url, admin_form_data(client.get(url))


@pytest.fixture
def ratification(agreement):
    return MilestoneFactory(
        agreement=agreement, kind=MilestoneKind.OTHER, name="Ratification", date=None
    )


def test_dating_the_milestone_inline_gives_the_pending_commitment_its_date(
    editor_client, agreement, ratification
):
    pending = CommitmentFactory(
        agreement=agreement, timeline_wording="within 2 months of ratification"
    )
    assert pending.due_on is None
    url, data = _change_page(editor_client, agreement)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("milestones-") and key.endswith("-name") and value == "Ratification"
    )
    data[f"milestones-{index}-date"] = "2026-06-10"

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    pending.refresh_from_db()
    assert pending.due_on == D(2026, 8, 10)


def test_an_undated_milestone_can_be_added_in_the_inline(editor_client, agreement):
    url, data = _change_page(editor_client, agreement)
    add_inline_form(data, "milestones", {"name": "Entry into force", "kind": "other", "note": ""})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert agreement.milestones.get(name="Entry into force").date is None


def test_upon_ratification_typed_in_the_commitment_inline_makes_the_milestone(
    editor_client, agreement
):
    url, data = _change_page(editor_client, agreement)
    add_inline_form(
        data,
        "commitments",
        {
            "reference": "4.1",
            "title": "Exchange lists of detainees",
            "theme": "dialogue",
            "priority": "medium",
            "timeline_wording": "upon ratification",
            "responsible_parties": [party.pk for party in agreement.parties.all()],
            "description": "",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    commitment = Commitment.objects.get(reference="4.1")
    assert commitment.deadline_milestone.name == "Ratification"
    assert commitment.deadline_milestone.date is None
    assert commitment.due_on is None


def test_the_grace_period_set_in_the_admin_dates_prompt_commitments(editor_client, agreement):
    prompt = CommitmentFactory(agreement=agreement, timeline_wording="without delay")
    url, data = _change_page(editor_client, agreement)
    data["prompt_grace_days"] = "14"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    prompt.refresh_from_db()
    assert prompt.due_on == D(2026, 2, 14)


def test_a_grace_period_of_zero_is_refused_beside_its_field(editor_client, agreement):
    url, data = _change_page(editor_client, agreement)
    data["prompt_grace_days"] = "0"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "prompt_grace_days" in response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.prompt_grace_days is None


def test_holidays_added_in_the_admin_move_working_day_deadlines(editor_client):
    agreement = AgreementFactory(signed_on=D(2026, 3, 19))  # a Thursday
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 3 working days")
    url, data = _change_page(editor_client, agreement)
    add_inline_form(data, "holidays", {"date": "2026-03-23", "name": "Pakistan Day"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.due_on == D(2026, 3, 25)
    assert list(agreement.holidays.values_list("name", flat=True)) == ["Pakistan Day"]


def test_the_milestone_and_the_due_dates_it_gives_are_saved_together(
    editor_client, agreement, ratification
):
    CommitmentFactory(agreement=agreement, timeline_wording="within 2 months of ratification")
    url, data = _change_page(editor_client, agreement)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("milestones-") and key.endswith("-name") and value == "Ratification"
    )
    data[f"milestones-{index}-date"] = "2026-06-10"

    def refuse_commitment_updates(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('UPDATE "TRACKER_COMMITMENT"'):
            raise RuntimeError("the due dates could not be written")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_commitment_updates), pytest.raises(RuntimeError):
        editor_client.post(url, data)
    ratification.refresh_from_db()
    assert ratification.date is None
