"""At risk, stale, blocked, disputed and extended, as analysts see them on the pages."""

import datetime

import pytest
from django.utils import timezone

from tracker import services
from tracker.models import Commitment, Role, Stance
from tracker.selectors import commitment_history, commitment_links, warnings_read, with_warnings

from ..factories import CommitmentFactory, UserFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db
HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"}


@pytest.fixture
def warned(agreement, analyst, time_machine):
    """Signed 31 January 2026, seen on 15 June 2026."""
    time_machine.move_to(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    late = CommitmentFactory(
        agreement=agreement, reference="late", timeline_wording="within 2 months"
    )
    risky = CommitmentFactory(
        agreement=agreement, reference="risky", timeline_wording="by 1 July 2026"
    )
    waiting = CommitmentFactory(
        agreement=agreement, reference="waiting", timeline_wording="ongoing"
    )
    services.commitment_set_dependencies(commitment=waiting, prerequisites=[late])
    first, second = agreement.parties.order_by("code")
    for party, stance in ((first, Stance.PROGRESS), (second, Stance.SETBACK)):
        services.evidence_log(
            commitment=waiting,
            by=analyst,
            summary=f"{party.code} claim",
            stance=stance,
            claimed_by=party,
        )
    time_machine.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)
    services.overdue_scan(today=TODAY)
    return {"late": late, "risky": risky, "waiting": waiting}


@pytest.mark.parametrize(
    ("warning", "expected"),
    [
        ("at_risk", ["risky"]),
        ("stale", ["late", "risky", "waiting"]),
        ("blocked", ["waiting"]),
        ("disputed", ["waiting"]),
    ],
)
def test_the_table_filters_by_warning(analyst_client, warned, warning, expected):
    agreement = warned["late"].agreement
    response = analyst_client.get(agreement.get_absolute_url(), {"warning": warning}, **HTMX_TABLE)
    assert [c.reference for c in response.context["page"]] == expected
    assert f"warning-{warning}" in response.content.decode()


def test_the_commitment_page_says_what_blocks_it_and_shows_both_claims(analyst_client, warned):
    response = analyst_client.get(warned["waiting"].get_absolute_url())
    html = response.content.decode()
    assert [c.reference for c in response.context["links"]["prerequisites"]] == ["late"]
    assert "Overdue: blocks this one" in html
    assert "Disputed: the parties' claims disagree" in html
    claims = response.context["claims"]
    assert sorted(claim.stance for _, claim in claims) == ["progress", "setback"]


def test_the_prerequisite_page_lists_what_waits_on_it(analyst_client, warned):
    response = analyst_client.get(warned["late"].get_absolute_url())
    links = response.context["links"]
    assert [c.reference for c in links["dependents"]] == ["waiting"]
    assert links["prerequisites"] == []
    html = response.content.decode()
    assert "Waiting on this one:" in html
    assert warned["waiting"].get_absolute_url() in html
    assert "Overdue: blocks this one" not in html


@pytest.mark.parametrize("days_later", [0, 20, 120])
def test_the_commitment_page_reads_the_warnings_as_the_sql_does(
    analyst_client, analyst, warned, time_machine, days_later
):
    """`selectors.warnings_read` (the commitment page) agrees with `with_warnings` (the SQL
    that owns the rules), for commitments at risk, stale, blocked and neither; evidence
    logged lately keeps one from being stale, unless it is retracted."""
    services.evidence_log(commitment=warned["risky"], by=analyst, summary="seen", stance="progress")
    retracted = services.evidence_log(
        commitment=warned["late"], by=analyst, summary="wrong", stance="progress"
    )
    services.evidence_retract(evidence=retracted, reason="misread", by=analyst)
    time_machine.move_to(
        datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
        + datetime.timedelta(days=days_later),
        tick=False,
    )
    today, now = timezone.localdate(), timezone.now()
    read = with_warnings(
        Commitment.objects.select_related("agreement", "deadline_milestone"), today=today, now=now
    )
    seen = set()
    for commitment in read:
        _, evidence = commitment_history(commitment)
        links = commitment_links(commitment)
        flags = warnings_read(
            commitment,
            today=today,
            now=now,
            evidence=evidence,
            prerequisites=links["prerequisites"],
        )
        for name, value in flags.items():
            assert bool(getattr(commitment, name)) is value, (commitment.reference, name)
            if value:
                seen.add(name)
        if days_later == 0:  # later, the fixture's session has run out
            shown = analyst_client.get(commitment.get_absolute_url()).context["commitment"]
            assert {name: getattr(shown, name) for name in flags} == flags
    if days_later == 0:
        assert seen == {"is_at_risk", "is_stale", "is_blocked"}


def test_an_editor_extends_a_deadline_from_the_page(client, commitment):
    editor = UserFactory(username="ed", role=Role.EDITOR)
    client.force_login(editor)
    response = client.post(
        commitment.get_absolute_url(),
        {
            "action": "extend-deadline",
            "timeline_wording": "by 31 July 2026",
            "reason": "Agreed at the June talks",
            "source_url": "https://example.org/statement",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Deadline extended" in html
    assert "46 days late against the first deadline" in html
    commitment.refresh_from_db()
    assert commitment.original_due_on == datetime.date(2026, 4, 30)


def test_an_analyst_may_not_extend_a_deadline(analyst_client, commitment):
    assert (
        'id="extension-form"'
        not in analyst_client.get(commitment.get_absolute_url()).content.decode()
    )
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {"action": "extend-deadline", "timeline_wording": "by 31 July 2026", "reason": "r"},
    )
    assert response.status_code == 403


def test_a_bad_extension_is_shown_beside_the_field(client, commitment):
    client.force_login(UserFactory(username="ed", role=Role.EDITOR))
    response = client.post(
        commitment.get_absolute_url(),
        {"action": "extend-deadline", "timeline_wording": "by 1 March 2026", "reason": "r"},
        HTTP_HX_REQUEST="true",
    )
    errors = response.context["extension_form"].errors["timeline_wording"]
    assert "not later than the current one" in errors[0]
