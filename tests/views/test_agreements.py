import pytest
from django.urls import reverse

from tracker import selectors
from tracker.models import AgreementStatus, CommitmentStatus

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, TeamFactory
from .conftest import populate

pytestmark = pytest.mark.django_db
HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"}


@pytest.fixture
def seeded(analyst):
    return populate(1, analyst=analyst)[0]


def _refs(response) -> list[str]:
    return [commitment.reference for commitment in response.context["page"]]


def test_the_list_filters_by_party_and_status(analyst_client):
    india = PartyFactory(code="IND")
    AgreementFactory(title="Indus", parties=[india, PartyFactory()])
    AgreementFactory(title="Other", status=AgreementStatus.SUSPENDED)
    response = analyst_client.get(reverse("tracker:agreement-list"), {"party": "IND"})
    assert [a.title for a in response.context["page"]] == ["Indus"]
    response = analyst_client.get(reverse("tracker:agreement-list"), {"status": "suspended"})
    assert [a.title for a in response.context["page"]] == ["Other"]


def test_the_list_searches_titles_and_summaries(analyst_client):
    AgreementFactory(title="Border accord", summary="")
    AgreementFactory(title="Trade pact", summary="mentions the border too")
    AgreementFactory(title="Water treaty")
    response = analyst_client.get(reverse("tracker:agreement-list"), {"q": "border"})
    assert {a.title for a in response.context["page"]} == {"Border accord", "Trade pact"}


def test_the_list_sorts_by_score(analyst_client, analyst):
    low, high = populate(2, analyst=analyst)
    CommitmentFactory(agreement=low)  # a fourth, not started: lowers the score
    response = analyst_client.get(reverse("tracker:agreement-list"), {"sort": "-score"})
    assert list(response.context["page"]) == [high, low]


def test_a_bad_filter_value_is_reported_and_ignored(analyst_client, seeded):
    response = analyst_client.get(reverse("tracker:agreement-list"), {"status": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(response.context["page"]) == [seeded]


def test_the_agreement_page_shows_its_scores_and_timeline(analyst_client, seeded):
    response = analyst_client.get(seeded.get_absolute_url())
    assert response.status_code == 200
    summary = response.context["summary"]
    assert len(summary.commitments) == 3
    assert summary.score == 33
    assert response.context["timeline"].today_x is not None
    assert len(response.context["timeline"].markers) == 3  # the implemented one is dated
    assert response.context["chart"].last.score == 33
    assert response["Vary"].count("HX-Request") == 1


def test_one_commitment_is_counted_in_the_singular(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    content = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "1 commitment ·" in content
    assert "1 commitments" not in content


def test_a_chart_of_one_point_names_its_day_once(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, timeline_wording="within 1 month")
    content = analyst_client.get(agreement.get_absolute_url()).content.decode()
    assert "0 % since 31 Jan 2026, unchanged, replayed from the status history." in content
    assert "From 0 %" not in content


def test_a_chart_of_several_points_says_from_and_to(analyst_client, seeded):
    content = analyst_client.get(seeded.get_absolute_url()).content.decode()
    assert "From 0 % on 31 Jan 2026 to 33 % since 15 Jun 2026" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "implemented"}, ["done"]),
        ({"overdue": "yes"}, ["late"]),
        ({"overdue": "no"}, ["done", "soon"]),
        ({"due_within": "30"}, ["soon"]),
        ({"theme": "border"}, ["soon"]),
        ({"sort": "due"}, ["late", "soon", "done"]),
        ({"q": "soon"}, ["soon"]),
    ],
)
def test_the_commitments_table_filters_and_sorts(analyst_client, seeded, params, expected):
    late, soon, done = seeded.commitments.order_by("id")
    for commitment, name in ((late, "late"), (soon, "soon"), (done, "done")):
        commitment.reference = name
        commitment.title = f"{name} commitment"
        commitment.theme = "border" if name == "soon" else "other"
        commitment.save()
    response = analyst_client.get(seeded.get_absolute_url(), params, **HTMX_TABLE)
    assert _refs(response) == expected


def test_the_table_filters_by_responsible_party(analyst_client):
    pak, afg = PartyFactory(code="PAK"), PartyFactory(code="AFG")
    agreement = AgreementFactory(parties=[pak, afg])
    CommitmentFactory(agreement=agreement, reference="joint", responsible=[pak, afg])
    CommitmentFactory(agreement=agreement, reference="afg-only", responsible=[afg])
    response = analyst_client.get(agreement.get_absolute_url(), {"party": "PAK"}, **HTMX_TABLE)
    assert _refs(response) == ["joint"]


def test_an_htmx_table_request_gets_only_the_table(analyst_client, seeded):
    response = analyst_client.get(seeded.get_absolute_url(), {"status": "stalled"}, **HTMX_TABLE)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="commitments-table"')
    assert "<html" not in content
    assert "Score over time" not in content


def test_a_bad_due_within_is_shown_beside_the_field(analyst_client, seeded):
    response = analyst_client.get(seeded.get_absolute_url(), {"due_within": "-4"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "due_within" in form.errors
    assert len(response.context["page"]) == 3


def test_a_page_number_out_of_range_shows_the_last_page(analyst_client, seeded):
    response = analyst_client.get(seeded.get_absolute_url(), {"page": "999"})
    assert response.context["page"].number == 1


def test_a_restricted_agreement_does_not_exist_for_an_outsider(analyst_client):
    restricted = AgreementFactory()
    restricted.teams.add(TeamFactory())
    commitment = CommitmentFactory(agreement=restricted)
    assert analyst_client.get(restricted.get_absolute_url()).status_code == 404
    assert analyst_client.get(commitment.get_absolute_url()).status_code == 404
    listing = analyst_client.get(reverse("tracker:agreement-list"))
    assert list(listing.context["page"]) == []


def test_the_summary_reads_a_commitment_as_the_model_does(agreement):
    """`SummaryCommitment` (the summary's plain rows) answers `is_closed` and its address
    as `Commitment` does, for every status."""
    for status in CommitmentStatus:
        commitment = CommitmentFactory(agreement=agreement, status=status)
        (row,) = (
            item
            for item in selectors.agreement_summary(agreement).commitments
            if item.pk == commitment.pk
        )
        assert row.is_closed is commitment.is_closed, status
        assert row.get_absolute_url() == commitment.get_absolute_url()
