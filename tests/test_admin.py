"""The admin as an editor uses it: inline data entry, validation, lists without N+1."""

import datetime

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Agreement, Commitment, MilestoneKind

from .factories import AgreementFactory, CommitmentFactory, EvidenceFactory, PartyFactory

pytestmark = pytest.mark.django_db

EMPTY_INLINES = {
    f"{prefix}-{field}": value
    for prefix in ("sources", "texts", "milestones", "holidays", "commitments")
    for field, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def _agreement_form(parties, **commitments) -> dict:
    data = {
        **EMPTY_INLINES,
        "title": "Doha follow-up",
        "slug": "doha-follow-up",
        "status": "in_force",
        "signed_on": "2026-01-31",
        "signed_on_kind": "signed",
        "score_rule": "pam",
        "parties": [str(party.pk) for party in parties],
        "summary": "",
    }
    for index, (reference, (wording, responsible)) in enumerate(commitments.items()):
        prefix = f"commitments-{index}"
        data.update(
            {
                f"{prefix}-reference": reference.replace("_", "."),
                f"{prefix}-title": f"Commitment {reference}",
                f"{prefix}-theme": "border",
                f"{prefix}-priority": "medium",
                f"{prefix}-status": "not_started",
                f"{prefix}-timeline_wording": wording,
                f"{prefix}-responsible_parties": [str(party.pk) for party in responsible],
                f"{prefix}-description": "",
            }
        )
    data["commitments-TOTAL_FORMS"] = str(len(commitments))
    return data


@pytest.fixture
def parties():
    return [PartyFactory(code="PAK", name="Pakistan"), PartyFactory(code="AFG", name="Afghanistan")]


def test_an_editor_enters_an_agreement_with_its_commitments_inline(editor_client, parties):
    response = editor_client.post(
        reverse("admin:tracker_agreement_add"),
        _agreement_form(parties, c1_1=("Within 3 months", parties), c1_2=("ongoing", parties[:1])),
    )
    assert response.status_code == 302, response.context["errors"]
    agreement = Agreement.objects.get(slug="doha-follow-up")
    assert agreement.milestones.get(kind=MilestoneKind.SIGNING).date == datetime.date(2026, 1, 31)
    due = dict(agreement.commitments.values_list("reference", "due_on"))
    assert due == {"c1.1": datetime.date(2026, 4, 30), "c1.2": None}


def test_unreadable_wording_is_shown_beside_the_field_and_nothing_is_saved(editor_client, parties):
    response = editor_client.post(
        reverse("admin:tracker_agreement_add"),
        _agreement_form(parties, c1=("when convenient", parties)),
    )
    assert response.status_code == 200
    assert "“when convenient” cannot be read as a deadline" in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_responsible_party_outside_the_agreement_is_refused(editor_client, parties):
    outsider = PartyFactory(code="IND", name="India")
    response = editor_client.post(
        reverse("admin:tracker_agreement_add"),
        _agreement_form(parties, c1=("within 1 month", [outsider])),
    )
    assert response.status_code == 200
    assert "IND is not a party to this agreement" in response.content.decode()
    assert not Agreement.objects.exists()


def test_moving_the_signed_date_in_the_admin_moves_the_due_dates(editor_client, commitment):
    agreement = commitment.agreement
    response = editor_client.get(reverse("admin:tracker_agreement_change", args=[agreement.pk]))
    form = response.context["adminform"].form
    data = {**EMPTY_INLINES, **{k: v for k, v in form.initial.items() if v is not None}}
    data.update(
        {
            "signed_on": "2026-02-28",
            "parties": [str(p.pk) for p in agreement.parties.all()],
            "teams": [],
        }
    )
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(formset.formset.initial_form_count())
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.formset.initial_form_count())
        for index, inline_form in enumerate(formset.formset.initial_forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, list):
                    value = [getattr(v, "pk", v) for v in value]
                if value is not None:
                    data[f"{prefix}-{index}-{name}"] = value

    response = editor_client.post(
        reverse("admin:tracker_agreement_change", args=[agreement.pk]), data
    )

    assert response.status_code == 302, response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.due_on == datetime.date(2026, 5, 28)


def test_the_commitment_list_filters_overdue(editor_client, commitment, overdue_commitment):
    services.overdue_scan(today=datetime.date(2026, 3, 10))
    response = editor_client.get(reverse("admin:tracker_commitment_changelist"), {"overdue": "yes"})
    shown = list(response.context["cl"].result_list)
    assert shown == [overdue_commitment]


def test_the_commitment_form_refuses_unreadable_wording(editor_client, commitment):
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    response = editor_client.post(
        url,
        {
            "agreement": commitment.agreement.pk,
            "reference": commitment.reference,
            "title": commitment.title,
            "theme": "other",
            "priority": "medium",
            "status": "not_started",
            "responsible_parties": [p.pk for p in commitment.responsible_parties.all()],
            "timeline_wording": "sometime",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "“sometime” cannot be read as a deadline" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.timeline_wording == "within 3 months"


def test_evidence_has_no_delete_in_the_admin(editor_client, commitment):
    evidence = EvidenceFactory(commitment=commitment)
    response = editor_client.get(reverse("admin:tracker_evidence_delete", args=[evidence.pk]))
    assert response.status_code == 403


def _populate(count: int) -> None:
    for _ in range(count):
        agreement = AgreementFactory()
        for _ in range(2):
            EvidenceFactory(commitment=CommitmentFactory(agreement=agreement))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:tracker_agreement_changelist",
        "admin:tracker_commitment_changelist",
        "admin:tracker_evidence_changelist",
        "admin:tracker_statuschange_changelist",
        "admin:tracker_overdueflag_changelist",
        "admin:tracker_user_changelist",
    ],
)
def test_admin_lists_do_not_grow_their_queries_with_the_data(
    admin_client, django_assert_max_num_queries, url_name
):
    _populate(2)
    with django_assert_max_num_queries(12) as small:
        assert admin_client.get(reverse(url_name)).status_code == 200
    _populate(38)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:tracker_commitment_changelist",
        "admin:tracker_evidence_changelist",
        "admin:tracker_statuschange_changelist",
        "admin:tracker_overdueflag_changelist",
        "admin:tracker_digestdelivery_changelist",
    ],
)
def test_lists_of_large_tables_read_them_once(admin_client, url_name):
    """A million pieces of evidence: one count (not a second one of the whole table beside
    the filtered one), and no date hierarchy, whose list of years reads every row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _populate(2)
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse(url_name)).status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert sum("COUNT(" in sql for sql in statements) == 1
    assert not any("DATE_TRUNC" in sql or "MIN(" in sql for sql in statements)


def test_an_agreement_change_page_loads_for_an_editor(editor_client, commitment):
    response = editor_client.get(
        reverse("admin:tracker_agreement_change", args=[commitment.agreement.pk])
    )
    assert response.status_code == 200
    assert commitment.title in response.content.decode()


def test_the_commitment_page_shows_its_computed_due_date(editor_client, commitment):
    response = editor_client.get(reverse("admin:tracker_commitment_change", args=[commitment.pk]))
    assert "30 Apr 2026" in response.content.decode()
    assert Commitment.objects.get().due_on == datetime.date(2026, 4, 30)
