"""The agreement page's commitments table: each row's cells, built by `commitment_rows`."""

import datetime

import pytest
from django.utils import translation
from django.utils.html import escape

from tracker.models import User
from tracker.templatetags.tracker import commitment_rows, lateness

from ..factories import AgreementFactory, CommitmentFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db
HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"}


@pytest.fixture
def agreement():
    return AgreementFactory(parties=[PartyFactory(code="AFG"), PartyFactory(code="PAK")])


def _table(client, agreement) -> str:
    return client.get(agreement.get_absolute_url(), **HTMX_TABLE).content.decode()


def test_it_names_each_cell_by_its_column(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, reference="2.A.1")
    table = _table(analyst_client, agreement)
    for column in ("Ref.", "Responsible", "Theme", "Timeline", "Due", "Status", "Priority"):
        assert f'data-label="{column}"' in table
    assert '<td class="ref" data-label="Ref."><bdi>2.A.1</bdi></td>' in table
    assert "<bdi>AFG · PAK</bdi>" in table


def test_it_links_each_title_to_its_commitment(analyst_client, agreement):
    commitment = CommitmentFactory(agreement=agreement, title="Open the border")
    table = _table(analyst_client, agreement)
    assert f'<a href="{commitment.get_absolute_url()}"><bdi>Open the border</bdi></a>' in table


def test_it_escapes_user_text_and_isolates_it(analyst_client, agreement):
    milestone = MilestoneFactory(agreement=agreement, name="<b>Summit</b>")
    CommitmentFactory(
        agreement=agreement,
        title="<script>alert(1)</script>",
        reference="<i>1</i>",
        timeline_wording="within 3 months of the summit",
        deadline_milestone=milestone,
    )
    table = _table(analyst_client, agreement)
    assert "<script>alert(1)</script>" not in table
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>" in table
    assert "<bdi>&lt;i&gt;1&lt;/i&gt;</bdi>" in table
    assert "from <bdi>&lt;b&gt;Summit&lt;/b&gt;</bdi>" in table


def test_it_marks_an_extended_deadline_beside_the_status(analyst_client, agreement):
    CommitmentFactory(agreement=agreement, original_due_on=datetime.date(2026, 2, 15))
    row = _table(analyst_client, agreement)
    assert '<span class="badge soon">Extended</span>' in row
    assert '<span class="badge status-not_started">' in row


def test_it_shows_no_row_when_nothing_matches(analyst_client, agreement):
    CommitmentFactory(agreement=agreement)
    response = analyst_client.get(
        agreement.get_absolute_url(), {"status": "implemented"}, **HTMX_TABLE
    )
    assert "No commitment matches these filters." in response.content.decode()


def test_it_names_the_columns_in_the_readers_language(analyst_client, analyst, agreement):
    CommitmentFactory(agreement=agreement)
    User.objects.filter(pk=analyst.pk).update(language="fr")
    table = _table(analyst_client, agreement)
    assert 'data-label="Priorité"' in table
    assert 'data-label="Échéance"' in table


def test_the_rows_tag_writes_its_column_names_in_the_active_language(agreement):
    first = CommitmentFactory(agreement=agreement, reference="1")
    second = CommitmentFactory(agreement=agreement, reference="2")
    rows = []
    for commitment in (first, second):
        commitment.party_codes, commitment.is_overdue = "AFG", False
        commitment.is_at_risk = commitment.is_stale = commitment.is_blocked = False
        rows.append(commitment)
    with translation.override("fr"):
        html = commitment_rows(rows, datetime.date(2026, 2, 1))
    assert html.count("<tr ") == 2
    assert html.count('data-label="Priorité"') == 2


@pytest.mark.parametrize("language", ["en", "fr", "ur"])
def test_each_rows_labels_and_lateness_read_as_the_models_in_the_readers_language(
    agreement, language
):
    today = datetime.date(2026, 3, 1)
    made = [
        CommitmentFactory(agreement=agreement, timeline_wording=wording, priority=priority)
        for wording, priority in (("within 1 month", "high"), ("within 2 years", "low"))
    ]
    for commitment in made:
        commitment.party_codes, commitment.is_overdue = "AFG", False
        commitment.is_at_risk = commitment.is_stale = commitment.is_blocked = False
    with translation.override(language):
        for _ in range(2):  # the second time from the words written the first
            html = commitment_rows(made, today)
            for commitment in made:
                assert escape(lateness(commitment, today)) in html
                assert escape(commitment.get_theme_display()) in html
                assert escape(commitment.get_priority_display()) in html


@pytest.mark.parametrize(
    "due_on", [datetime.date(1, 1, 1), datetime.date(26, 6, 30), datetime.date(9999, 12, 31)]
)
def test_a_deadline_however_far_off_is_written_as_its_days(agreement, due_on):
    commitment = CommitmentFactory(agreement=agreement)
    commitment.due_on = due_on
    commitment.party_codes, commitment.is_overdue = "AFG", False
    commitment.is_at_risk = commitment.is_stale = commitment.is_blocked = False
    today = datetime.date(2026, 12, 5)
    html = commitment_rows([commitment], today)
    assert escape(lateness(commitment, today)) in html
    assert f"{abs((due_on - today).days)}" in html
