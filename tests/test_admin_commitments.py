"""Commitments saved in the admin go through `services.commitment_save`: on their own page
(added, changed, moved to another agreement) and as inlines of their agreement."""

import datetime

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Agreement, Commitment, CommitmentStatus, Milestone

from .factories import (
    AgreementFactory,
    CommitmentFactory,
    MilestoneFactory,
    PartyFactory,
    TeamFactory,
)
from .helpers import add_inline_form, admin_form_data

pytestmark = pytest.mark.django_db

NO_INLINES = {
    "evidence-TOTAL_FORMS": "0",
    "evidence-INITIAL_FORMS": "0",
    "extensions-TOTAL_FORMS": "0",
    "extensions-INITIAL_FORMS": "0",
    "criteria-TOTAL_FORMS": "0",
    "criteria-INITIAL_FORMS": "0",
}


def _counted(agreement: Agreement) -> bool:
    """The agreement's kept figures agree with its commitments, however they are kept (by
    the services or by database triggers)."""
    kept = Agreement.objects.get(pk=agreement.pk)
    commitments = Commitment.objects.filter(agreement=agreement).count()
    # Every commitment is scored, an abandoned one at 0 points.
    return (kept.commitment_count, kept.scored_count) == (commitments, commitments)


def _change_page(client, commitment) -> dict:
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    return admin_form_data(client.get(url))


def _post_change(client, commitment, data):
    return client.post(reverse("admin:tracker_commitment_change", args=[commitment.pk]), data)


@pytest.fixture
def other_agreement(agreement):
    """Between the same parties, signed on 28 February 2026."""
    return AgreementFactory(
        signed_on=datetime.date(2026, 2, 28), parties=list(agreement.parties.all())
    )


def test_a_commitment_added_on_its_page_is_counted_due_and_recorded(
    editor_client, editor, agreement
):
    response = editor_client.post(
        reverse("admin:tracker_commitment_add"),
        {
            **NO_INLINES,
            "agreement": agreement.pk,
            "reference": "4.1",
            "title": "Open a hotline",
            "theme": "communications",
            "priority": "high",
            "responsible_parties": [party.pk for party in agreement.parties.all()],
            "timeline_wording": "within 3 months",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    commitment = Commitment.objects.get(reference="4.1")
    assert commitment.due_on == datetime.date(2026, 4, 30)
    assert Agreement.objects.get(pk=agreement.pk).commitment_count == 1
    assert _counted(agreement)
    assert commitment.history.get(history_type="+").history_user == editor


def test_the_change_page_offers_no_derived_field(editor_client, commitment):
    form = admin_form_data(
        editor_client.get(reverse("admin:tracker_commitment_change", args=[commitment.pk]))
    )
    assert not {"status", "due_on", "original_due_on", "version", "is_disputed"} & set(form)


def test_a_new_timeline_moves_the_due_date_and_posted_derived_fields_are_ignored(
    editor_client, editor, commitment
):
    data = _change_page(editor_client, commitment)
    data.update(
        timeline_wording="within 2 months",
        status=CommitmentStatus.IMPLEMENTED,
        due_on="2030-01-01",
        version="7",
        is_disputed="on",
    )

    response = _post_change(editor_client, commitment, data)

    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 3, 31)
    assert (commitment.status, commitment.version) == (CommitmentStatus.NOT_STARTED, 1)
    assert not commitment.is_disputed
    assert commitment.history.latest().history_user == editor


def test_a_commitment_moved_to_another_agreement_is_counted_there_and_due_from_it(
    editor_client, commitment, other_agreement
):
    old_agreement = commitment.agreement
    data = _change_page(editor_client, commitment)
    data["agreement"] = other_agreement.pk

    response = _post_change(editor_client, commitment, data)

    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.agreement == other_agreement
    assert commitment.due_on == datetime.date(2026, 5, 28)
    kept = Agreement.objects.in_bulk([old_agreement.pk, other_agreement.pk])
    assert (kept[old_agreement.pk].commitment_count, kept[other_agreement.pk].commitment_count) == (
        0,
        1,
    )
    assert _counted(old_agreement)
    assert _counted(other_agreement)


def _refused_move(client, commitment, data, message: str) -> None:
    response = _post_change(client, commitment, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).agreement_id == commitment.agreement_id


def test_a_move_to_an_agreement_without_its_responsible_party_is_a_form_error(
    editor_client, commitment
):
    elsewhere = AgreementFactory(parties=[PartyFactory(code="IND"), PartyFactory(code="CHN")])
    data = _change_page(editor_client, commitment)
    data["agreement"] = elsewhere.pk
    _refused_move(editor_client, commitment, data, "not a party to this agreement")


def test_a_move_keeping_the_old_agreements_milestone_is_a_form_error(
    editor_client, agreement, other_agreement
):
    meeting = MilestoneFactory(agreement=agreement)
    commitment = CommitmentFactory(agreement=agreement, deadline_milestone=meeting)
    data = _change_page(editor_client, commitment)
    data["agreement"] = other_agreement.pk
    _refused_move(editor_client, commitment, data, "This milestone belongs to another agreement.")


def test_a_move_is_refused_until_the_prerequisites_are_cleared(
    editor_client, agreement, other_agreement
):
    first = CommitmentFactory(agreement=agreement, reference="1.1")
    commitment = CommitmentFactory(agreement=agreement, reference="1.2")
    commitment.depends_on.set([first])
    data = _change_page(editor_client, commitment)
    data["agreement"] = other_agreement.pk
    _refused_move(editor_client, commitment, data, "clear its prerequisites to move it")

    del data["depends_on"]
    response = _post_change(editor_client, commitment, data)

    assert response.status_code == 302, response.context["errors"]
    assert Commitment.objects.get(pk=commitment.pk).agreement == other_agreement
    assert not commitment.depends_on.exists()


def test_a_commitment_others_wait_on_does_not_move(editor_client, agreement, other_agreement):
    commitment = CommitmentFactory(agreement=agreement, reference="1.1")
    CommitmentFactory(agreement=agreement, reference="1.2").depends_on.set([commitment])
    data = _change_page(editor_client, commitment)
    data["agreement"] = other_agreement.pk
    _refused_move(editor_client, commitment, data, "1.2 of its agreement waits on it")


def test_an_agreement_the_editor_may_not_see_is_no_destination(editor_client, commitment):
    hidden = AgreementFactory(parties=list(commitment.agreement.parties.all()))
    hidden.teams.add(TeamFactory())
    data = _change_page(editor_client, commitment)
    data["agreement"] = hidden.pk
    _refused_move(editor_client, commitment, data, "Select a valid choice")


def _agreement_page(client, agreement) -> dict:
    return admin_form_data(
        client.get(reverse("admin:tracker_agreement_change", args=[agreement.pk]))
    )


def _post_agreement(client, agreement, data):
    return client.post(reverse("admin:tracker_agreement_change", args=[agreement.pk]), data)


def test_a_commitment_added_as_an_inline_is_counted_due_and_recorded(
    editor_client, editor, agreement
):
    data = _agreement_page(editor_client, agreement)
    add_inline_form(
        data,
        "commitments",
        {
            "reference": "2.1",
            "title": "Exchange liaison officers",
            "theme": "dialogue",
            "priority": "medium",
            "responsible_parties": [party.pk for party in agreement.parties.all()],
            "timeline_wording": "within 1 month",
        },
    )

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 302, response.context["errors"]
    commitment = Commitment.objects.get(reference="2.1")
    assert commitment.due_on == datetime.date(2026, 2, 28)
    assert Agreement.objects.get(pk=agreement.pk).commitment_count == 1
    assert _counted(agreement)
    assert commitment.history.get(history_type="+").history_user == editor


def test_a_commitment_edited_as_an_inline_gets_its_new_due_date(editor_client, editor, commitment):
    data = _agreement_page(editor_client, commitment.agreement)
    data["commitments-0-timeline_wording"] = "within 6 months"

    response = _post_agreement(editor_client, commitment.agreement, data)

    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 7, 31)
    assert commitment.history.latest().history_user == editor


def test_a_commitment_deleted_as_an_inline_is_uncounted(editor_client, commitment):
    agreement = commitment.agreement
    data = _agreement_page(editor_client, agreement)
    data["commitments-0-DELETE"] = "on"

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 302, response.context["errors"]
    assert not Commitment.objects.exists()
    assert Agreement.objects.get(pk=agreement.pk).commitment_count == 0
    assert _counted(agreement)


def test_a_milestone_moved_in_the_inline_moves_the_due_dates_counted_from_it(
    editor_client, editor, agreement
):
    meeting = MilestoneFactory(agreement=agreement, date=datetime.date(2026, 3, 1))
    commitment = CommitmentFactory(
        agreement=agreement, timeline_wording="within 1 month", deadline_milestone=meeting
    )
    data = _agreement_page(editor_client, agreement)
    data["milestones-0-date"] = "2026-04-01"
    # The same post edits the commitment too: its due date counts from the moved date.
    data["commitments-0-title"] = "Meet again"

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert Milestone.objects.get(pk=meeting.pk).date == datetime.date(2026, 4, 1)
    assert commitment.due_on == datetime.date(2026, 5, 1)
    assert meeting.history.latest().history_user == editor


def test_a_party_still_responsible_cannot_leave_the_agreement(editor_client, commitment):
    agreement = commitment.agreement
    staying = agreement.parties.first()
    data = _agreement_page(editor_client, agreement)
    data["parties"] = [staying.pk, PartyFactory(code="IND").pk]

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 200
    assert "is not a party to this agreement" in response.content.decode()
    assert set(agreement.parties.all()) == set(commitment.responsible_parties.all())


def test_a_party_leaves_with_its_last_commitment(editor_client, agreement):
    leaving, staying = agreement.parties.order_by("code")
    third = PartyFactory(code="ZZZ")
    commitment = CommitmentFactory(agreement=agreement, responsible=[leaving])
    data = _agreement_page(editor_client, agreement)
    data["parties"] = [staying.pk, third.pk]
    data["commitments-0-responsible_parties"] = [staying.pk]

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 302, response.context["errors"]
    assert set(agreement.parties.all()) == {staying, third}
    assert list(commitment.responsible_parties.all()) == [staying]


def test_an_agreement_needs_two_parties_in_the_admin(editor_client, agreement):
    data = _agreement_page(editor_client, agreement)
    data["parties"] = [agreement.parties.first().pk]

    response = _post_agreement(editor_client, agreement, data)

    assert response.status_code == 200
    assert "An agreement has at least two parties." in response.content.decode()


def _version_url(commitment) -> str:
    version = commitment.history.earliest()
    return reverse("admin:tracker_commitment_simple_history", args=[commitment.pk, version.pk])


def test_an_earlier_version_is_shown_but_not_restored(editor_client, commitment):
    services.commitment_extend_deadline(
        commitment=commitment, wording="within 1 year", reason="Talks", by=None
    )
    url = _version_url(commitment)
    assert editor_client.get(url).status_code == 200

    response = editor_client.post(url, admin_form_data(editor_client.get(url)))

    assert response.status_code == 403
    assert Commitment.objects.get(pk=commitment.pk).timeline_wording == "within 1 year"


def test_an_outsider_sees_no_earlier_version_of_a_restricted_commitment(editor_client, commitment):
    commitment.agreement.teams.add(TeamFactory())
    assert editor_client.get(_version_url(commitment)).status_code == 404


def test_the_change_page_shows_each_partys_status_read_only(editor_client, editor, commitment):
    """Each party moves on the app's page, with a reason; the admin shows where each is."""
    party = commitment.responsible_parties.order_by("name").first()
    services.obligation_set_status(
        commitment=commitment,
        party=party,
        status=CommitmentStatus.IN_PROGRESS,
        reason="Patrols began",
        by=editor,
    )
    response = editor_client.get(reverse("admin:tracker_commitment_change", args=[commitment.pk]))
    assert f"{party.code}: In progress" in response.content.decode()
    assert not {key for key in admin_form_data(response) if "party" in key and "status" in key}
