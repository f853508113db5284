"""/agreements/<slug>/export.json: the whole agreement in the import format; importing it
into an empty database gives the same agreement back."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tracker import services
from tracker.dev import demo
from tracker.import_files import read_document
from tracker.importer import run_import
from tracker.models import (
    Agreement,
    Evidence,
    Team,
)

from ..helpers import empty_the_database

pytestmark = pytest.mark.django_db


def _url(slug: str) -> str:
    return reverse("tracker:agreement-export", args=[slug])


@pytest.fixture
def demo_agreement(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC))
    call_command("load_demo", stdout=io.StringIO())
    agreement = Agreement.objects.get(slug=demo.SLUG)
    evidence = Evidence.objects.filter(commitment__agreement=agreement).last()
    services.evidence_retract(evidence=evidence, reason="Duplicate report", by=None)
    agreement.teams.add(Team.objects.create(name="Desk"))
    return agreement


def _snapshot(slug: str) -> dict:
    """Everything an agreement holds, without ids."""
    agreement = Agreement.objects.get(slug=slug)
    commitments = agreement.commitments.order_by("sort_key")
    return {
        "agreement": Agreement.objects.filter(pk=agreement.pk)
        .values("title", "signed_on", "signed_on_kind", "status", "summary")
        .get(),
        "parties": sorted(agreement.parties.values_list("code", "name", "kind")),
        "teams": list(agreement.teams.values_list("name", flat=True)),
        "sources": list(agreement.sources.values("title", "kind", "url", "publisher")),
        "milestones": list(agreement.milestones.values("name", "kind", "date", "note")),
        "commitments": [
            (
                c.reference,
                c.title,
                c.description,
                c.theme,
                c.priority,
                c.timeline_wording,
                c.due_on,
                c.status,
                c.version,
                c.original_due_on,
                c.is_disputed,
                sorted(c.depends_on.values_list("reference", flat=True)),
                list(
                    c.extensions.values_list(
                        "previous_wording",
                        "previous_due_on",
                        "new_wording",
                        "new_due_on",
                        "reason",
                        "recorded_at",
                    )
                ),
                sorted(c.responsible_parties.values_list("code", flat=True)),
                list(
                    c.status_changes.values_list(
                        "from_status", "to_status", "reason", "changed_at", "evidence__summary"
                    )
                ),
                list(
                    c.evidence.values_list(
                        "summary",
                        "occurred_on",
                        "stance",
                        "claimed_by__code",
                        "reliability",
                        "credibility",
                        "logged_at",
                        "retraction_reason",
                        "retracted_at",
                    )
                ),
            )
            for c in commitments
        ],
    }


def test_export_then_import_into_an_empty_database_gives_the_same_agreement(
    demo_agreement, admin_user, client
):
    client.force_login(admin_user)
    response = client.get(_url(demo.SLUG))
    assert response["Content-Disposition"] == f'attachment; filename="{demo.SLUG}.json"'
    before = _snapshot(demo.SLUG)
    empty_the_database()
    run_import(read_document("export.json", response.content), file_name="export.json", by=None)
    assert _snapshot(demo.SLUG) == before


def test_it_is_the_import_format(demo_agreement, admin_user, client):
    client.force_login(admin_user)
    document = json.loads(client.get(_url(demo.SLUG)).content)
    assert document["format"] == "commitment-tracker/1"
    (agreement,) = document["agreements"]
    assert agreement["teams"] == ["Desk"]
    assert [m["name"] for m in agreement["milestones"]] == [demo.FOLLOW_UP]
    patrols = next(c for c in agreement["commitments"] if c["reference"] == "2.1")
    assert patrols["timeline"] == "Within 3 months"
    assert patrols["history"][0]["cites"] == 1


def test_a_restricted_agreement_is_a_404_for_outsiders(analyst_client, restricted_agreement):
    assert analyst_client.get(_url(restricted_agreement.slug)).status_code == 404


def test_members_of_its_team_may_export_it(analyst_client, analyst, restricted_agreement):
    restricted_agreement.teams.get().members.add(analyst)
    assert analyst_client.get(_url(restricted_agreement.slug)).status_code == 200
