"""An editor outside a restricted agreement's teams finds no trace of it in the admin: not
its title, slug or id, nor those of its commitments, evidence, status changes or overdue
flags, in any list, filter, search, autocomplete, form or message. Where the editor names
a hidden row (an id in the address, a slug typed in), the answer is the one a row that does
not exist gets."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tracker import services
from tracker.models import Milestone, Source

from .factories import AgreementFactory, CommitmentFactory, EvidenceFactory, TeamFactory
from .helpers import admin_pages

pytestmark = pytest.mark.django_db

# Ids nothing else in a page would contain, so that finding one is finding the row.
HIDDEN_AGREEMENT, HIDDEN_COMMITMENT, HIDDEN_EVIDENCE = 9_876_501, 9_876_502, 9_876_503
MISSING = 9_876_599  # the id of no row
TRACES = ["Zanzibar", "zanzibar-accord", *map(str, range(9_876_501, 9_876_510))]

# The lists whose rows hang on an agreement, and the path of their agreement filter.
AGREEMENT_FILTERS = {
    "commitment": "agreement__id__exact",
    "evidence": "commitment__agreement__id__exact",
    "statuschange": "commitment__agreement__id__exact",
    "overdueflag": "commitment__agreement__id__exact",
}


@pytest.fixture
def hidden_agreement(admin_user):
    """A restricted agreement with a row of every kind, and an open one beside it."""
    agreement = AgreementFactory(
        pk=HIDDEN_AGREEMENT,
        title="Zanzibar accord",
        slug="zanzibar-accord",
        signed_on=datetime.date(2025, 1, 31),
    )
    agreement.teams.add(TeamFactory(name="Inner circle"))
    Source.objects.create(agreement=agreement, title="Zanzibar source")
    Milestone.objects.create(
        agreement=agreement, name="Zanzibar talks", date=datetime.date(2025, 3, 1)
    )
    commitment = CommitmentFactory(
        pk=HIDDEN_COMMITMENT,
        agreement=agreement,
        reference="Z.1",
        title="Zanzibar patrols",
        timeline_wording="within 1 month",
    )
    evidence = EvidenceFactory(
        pk=HIDDEN_EVIDENCE, commitment=commitment, summary="Zanzibar evidence"
    )
    services.commitment_set_status(
        commitment=commitment,
        status="in_progress",
        reason="Zanzibar reason",
        evidence=evidence,
        by=admin_user,
    )
    AgreementFactory(title="Second open accord")  # a filter shows from two choices on
    open_one = CommitmentFactory(reference="O.1", title="Open patrols")
    EvidenceFactory(commitment=open_one, summary="Open evidence")
    services.commitment_set_status(
        commitment=open_one, status="in_progress", reason="begun", by=admin_user
    )
    services.overdue_scan(today=datetime.date(2027, 1, 1))
    assert commitment.overdue_flags.exists()
    return agreement


def _traces(html: str) -> list[str]:
    return [trace for trace in TRACES if trace.lower() in html.lower()]


def _page(client, path: str) -> str:
    response = client.get(path, follow=True)
    assert response.status_code in (200, 403, 404), path
    return response.content.decode()


def _without_tokens(html: str) -> str:
    """Without the CSRF tokens, masked afresh on every page: a form's, and the one that
    base.html gives htmx (on the 404 page, in the app's layout)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_no_admin_page_shows_a_hidden_agreement(editor_client, hidden_agreement):
    paths = admin_pages()
    found = {path: traces for path in paths if (traces := _traces(_page(editor_client, path)))}
    assert found == {}


@pytest.mark.parametrize("name", ["agreement", *AGREEMENT_FILTERS])
@pytest.mark.parametrize("term", ["Zanzibar", "zanzibar-accord", "Z.1"])
def test_a_search_for_a_hidden_agreement_finds_what_a_search_for_nothing_finds(
    editor_client, hidden_agreement, name, term
):
    changelist = reverse(f"admin:tracker_{name}_changelist")
    hidden = _page(editor_client, f"{changelist}?q={term}")
    nothing = _page(editor_client, f"{changelist}?q=Qwertyuiop")
    assert _without_tokens(hidden) == _without_tokens(nothing).replace("Qwertyuiop", term)


@pytest.mark.parametrize("name", list(AGREEMENT_FILTERS))
def test_the_agreement_filters_offer_only_visible_agreements(editor_client, hidden_agreement, name):
    html = _page(editor_client, reverse(f"admin:tracker_{name}_changelist"))
    filter_links = re.findall(rf'href="\?{AGREEMENT_FILTERS[name]}=(\d+)"', html)
    assert filter_links, "the filter lists the open agreement"
    assert str(HIDDEN_AGREEMENT) not in filter_links


@pytest.mark.parametrize("name", list(AGREEMENT_FILTERS))
def test_the_admin_role_filters_by_every_agreement(admin_client, hidden_agreement, name):
    html = _page(admin_client, reverse(f"admin:tracker_{name}_changelist"))
    assert f"?{AGREEMENT_FILTERS[name]}={HIDDEN_AGREEMENT}" in html


def _autocompletes() -> list[dict]:
    """Every foreign key and many-to-many field, of every model (historical ones too), that
    points at a model the admin registers: the autocomplete view serves each."""
    return [
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field.name,
        }
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if (field.many_to_one or field.many_to_many)
        and field.concrete
        and field.related_model in admin.site._registry
    ]


@pytest.mark.parametrize("term", ["", "Zanzibar", "Z.1"])
def test_no_autocomplete_answers_with_a_hidden_row(editor_client, hidden_agreement, term):
    answered = []
    for params in _autocompletes():
        response = editor_client.get(reverse("admin:autocomplete"), {**params, "term": term})
        if response.status_code == 200:
            answered.append(params["field_name"])
            assert _traces(response.content.decode()) == [], params
    assert "agreement" in answered
    assert "commitment" in answered


def test_the_admin_roles_autocomplete_finds_it(admin_client, hidden_agreement):
    params = {"app_label": "tracker", "model_name": "commitment", "field_name": "agreement"}
    response = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "Zanzibar"})
    assert [row["text"] for row in response.json()["results"]] == ["Zanzibar accord"]


@pytest.mark.parametrize(
    ("path", "hidden_id"),
    [
        ("/admin/tracker/agreement/{id}/change/", HIDDEN_AGREEMENT),
        ("/admin/tracker/agreement/{id}/history/", HIDDEN_AGREEMENT),
        ("/admin/tracker/agreement/{id}/delete/", HIDDEN_AGREEMENT),
        ("/admin/tracker/commitment/{id}/change/", HIDDEN_COMMITMENT),
        ("/admin/tracker/commitment/{id}/history/", HIDDEN_COMMITMENT),
        ("/admin/tracker/evidence/{id}/change/", HIDDEN_EVIDENCE),
        ("/admin/tracker/commitment/add/?agreement={id}", HIDDEN_AGREEMENT),
        ("/admin/tracker/commitment/?agreement__id__exact={id}", HIDDEN_AGREEMENT),
        ("/admin/tracker/evidence/?commitment__agreement__id__exact={id}", HIDDEN_AGREEMENT),
    ],
)
def test_a_hidden_id_in_the_address_answers_as_a_missing_one(
    editor_client, hidden_agreement, path, hidden_id
):
    hidden = editor_client.get(path.format(id=hidden_id), follow=True)
    missing = editor_client.get(path.format(id=MISSING), follow=True)
    assert hidden.status_code == missing.status_code
    hidden_html = _without_tokens(hidden.content.decode())
    missing_html = _without_tokens(missing.content.decode())
    assert hidden_html == missing_html.replace(str(MISSING), str(hidden_id))


def _commitment_post(agreement_id: int) -> dict:
    """A new commitment with a bad timeline, so that the form comes back with its values."""
    return {
        "agreement": agreement_id,
        "reference": "X.1",
        "title": "Probe",
        "theme": "other",
        "priority": "medium",
        "timeline_wording": "whenever it suits",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "extensions-TOTAL_FORMS": "0",
        "extensions-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }


def test_a_posted_hidden_agreement_is_refused_as_a_missing_one(editor_client, hidden_agreement):
    url = reverse("admin:tracker_commitment_add")
    hidden = editor_client.post(url, _commitment_post(HIDDEN_AGREEMENT))
    missing = editor_client.post(url, _commitment_post(MISSING))
    assert hidden.status_code == missing.status_code == 200
    refused = hidden.context["adminform"].form.errors["agreement"]
    assert refused == missing.context["adminform"].form.errors["agreement"]
    assert _traces(hidden.content.decode().replace(str(HIDDEN_AGREEMENT), "")) == []


def _agreement_post(slug: str, party_ids: list[int]) -> dict:
    return {
        "title": "Another accord",
        "slug": slug,
        "status": "in_force",
        "signed_on": "2026-01-31",
        "signed_on_kind": "signed",
        "score_rule": "pam",
        "parties": party_ids,
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("sources", "texts", "milestones", "holidays", "commitments")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }


def test_a_slug_held_by_a_hidden_agreement_is_refused_in_the_words_for_any_taken_slug(
    editor_client, hidden_agreement
):
    open_agreement = AgreementFactory(slug="open-accord")
    parties = list(open_agreement.parties.values_list("pk", flat=True))
    url = reverse("admin:tracker_agreement_add")
    hidden = editor_client.post(url, _agreement_post("zanzibar-accord", parties))
    visible = editor_client.post(url, _agreement_post("open-accord", parties))
    assert hidden.context["adminform"].form.errors["slug"] == [
        "This slug is not available: try “zanzibar-accord-2”."
    ]
    assert visible.context["adminform"].form.errors["slug"] == [
        "This slug is not available: try “open-accord-2”."
    ]
    html = hidden.content.decode().replace("zanzibar-accord", "")
    assert _traces(html) == []


def test_the_commitment_form_still_names_a_visible_agreement(editor_client, hidden_agreement):
    open_agreement = AgreementFactory(title="Open accord")
    response = editor_client.get(
        reverse("admin:tracker_commitment_add"), {"agreement": open_agreement.pk}
    )
    change = reverse("admin:tracker_agreement_change", args=[open_agreement.pk])
    assert f'<a href="{change}">Open accord</a>' in response.content.decode()
