import csv
import io

import pytest
from django.urls import reverse

from tracker import services
from tracker.models import Commitment

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, TeamFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_world():
    pak, afg = (
        PartyFactory(code="PAK", name="Pakistan"),
        PartyFactory(code="AFG", name="Afghanistan"),
    )
    accord = AgreementFactory(title="Accord", parties=[pak, afg])
    CommitmentFactory(
        agreement=accord, reference="1", timeline_wording="within 1 month", responsible=[pak, afg]
    )
    CommitmentFactory(
        agreement=accord, reference="2", timeline_wording="within 2 months", responsible=[afg]
    )
    CommitmentFactory(agreement=accord, reference="3", timeline_wording="within 1 year")
    secret = AgreementFactory(title="Secret", parties=[pak, afg])
    secret.teams.add(TeamFactory())
    CommitmentFactory(agreement=secret, reference="S", timeline_wording="within 1 month")
    services.overdue_scan(today=TODAY)


def test_it_groups_by_agreement_then_party_most_overdue_first(analyst_client, overdue_world):
    response = analyst_client.get(reverse("tracker:overdue"))
    rows = [
        (group.title, party.name, row.reference)
        for group in response.context["groups"]
        for party in group.parties
        for row in party.rows
    ]
    assert rows == [
        ("Accord", "Afghanistan", "1"),
        ("Accord", "Afghanistan", "2"),
        ("Accord", "Pakistan", "1"),
    ]
    content = response.content.decode()
    assert "Secret" not in content
    assert "joint: AFG · PAK" in content


def test_it_filters_by_party(analyst_client, overdue_world):
    response = analyst_client.get(reverse("tracker:overdue"), {"party": "PAK"})
    (group,) = response.context["groups"]
    assert [row.reference for party in group.parties for row in party.rows] == ["1"]


def test_an_agreement_without_a_matching_overdue_commitment_is_left_out(
    analyst_client, overdue_world
):
    response = analyst_client.get(reverse("tracker:overdue"), {"theme": "trade"})
    assert list(response.context["page"]) == []
    assert "Nothing is overdue" in response.content.decode()


def test_a_page_holds_whole_agreements_up_to_its_share_of_rows(
    analyst_client, overdue_world, monkeypatch
):
    """Pages hold whole agreements, as many as fit the page's budget of overdue commitments:
    Accord (2 overdue) and two of one each fill a budget of 4, then the rest."""
    monkeypatch.setattr("tracker.views.overdue.OVERDUE_PER_PAGE", 4)
    big = AgreementFactory(title="Mega")
    for _ in range(6):
        CommitmentFactory(agreement=big, timeline_wording="within 1 month")
    for n in range(4):
        agreement = AgreementFactory(title=f"Zeta {n:02d}")
        CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    services.overdue_scan(today=TODAY)
    pages = [
        analyst_client.get(reverse("tracker:overdue"), {"page": number}).context
        for number in (1, 2, 3, 4)
    ]
    assert [[group.title for group in page["groups"]] for page in pages] == [
        ["Accord"],  # its 2 overdue, and Mega's 6 would pass the budget
        ["Mega"],  # alone over the budget: never cut
        ["Zeta 00", "Zeta 01", "Zeta 02", "Zeta 03"],
        ["Zeta 00", "Zeta 01", "Zeta 02", "Zeta 03"],  # past the end: the last page
    ]
    assert pages[0]["page"].paginator.count == 6
    assert pages[0]["page"].paginator.num_pages == 3


def test_the_csv_export_has_what_the_page_shows(analyst_client, overdue_world):
    response = analyst_client.get(reverse("tracker:overdue"), {"party": "AFG", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["party"], row["reference"], row["days_overdue"]) for row in rows] == [
        ("AFG", "1", "107"),
        ("AFG", "2", "76"),
    ]
    first = Commitment.objects.get(agreement__title="Accord", reference="1")
    assert rows[0]["url"] == f"http://testserver/commitments/{first.pk}/"


def test_the_csv_defuses_formulas(analyst_client):
    party = PartyFactory(code="PAK")
    agreement = AgreementFactory(title='=HYPERLINK("http://evil")', parties=[party, PartyFactory()])
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month", responsible=[party])
    services.overdue_scan(today=TODAY)
    response = analyst_client.get(reverse("tracker:overdue"), {"format": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["agreement"].startswith("'=")
