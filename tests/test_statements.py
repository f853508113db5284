"""A query compiled ahead (`selectors.statements.rows`) reads what its queryset reads, for
each shape of what the reader may see and with other values than those it was compiled with;
a query that would keep a value in its SQL text, use it otherwise than as it is or leave it
out is refused. The overview's lists, party scores and totals and the commitment page's
history, dependencies and obligations read through it."""

import datetime
from datetime import date
from functools import partial

import pytest
from django.db.models import Count, Q, Sum
from django.test import override_settings
from django.utils import timezone

from tracker import services
from tracker.db import Ids
from tracker.models import AssessmentRound, Commitment, Evidence, MilestoneKind, OverdueFlag
from tracker.selectors import agreement_page, pages, statements
from tracker.selectors.commitment_page import commitment_links
from tracker.selectors.expressions import open_overdue_flag
from tracker.selectors.visibility import (
    agreements_visible_to,
    commitments_visible_to,
    read_access,
)
from tracker.templatetags.rows import pending_items

from .factories import AgreementFactory, CommitmentFactory, MilestoneFactory, TeamFactory

pytestmark = pytest.mark.django_db

WIDE = {"start": date(2000, 1, 1), "end": date(2100, 1, 1)}


@pytest.fixture(autouse=True)
def _fresh_statements(monkeypatch):
    monkeypatch.setattr(statements, "_STATEMENTS", {})
    monkeypatch.setattr(statements, "_ORIGINS", {})


@pytest.fixture
def commitments(restricted_agreement):
    shared = AgreementFactory(title="Shared")
    shared.teams.add(TeamFactory(name="Ours"))
    return [
        CommitmentFactory(agreement=agreement, reference=f"{n}.{m}", timeline_wording=wording)
        for n, agreement in enumerate([AgreementFactory(), shared, restricted_agreement])
        for m, wording in enumerate(("within 3 months", "within 2 years"))
    ]


def _read(user):
    read_access(user)
    return user


def _due(user, **window):
    build = partial(pages._due_soon, limit=10)
    return statements.rows("due soon 10", user, build, **window), list(build(user, **window))


@pytest.mark.parametrize("who", ["analyst", "admin_user"])
def test_it_reads_what_the_queryset_reads(request, commitments, who):
    user = _read(request.getfixturevalue(who))
    compiled, direct = _due(user, **WIDE)
    assert compiled == direct
    assert compiled, "the window holds commitments"
    expected = commitments_visible_to(user).filter(due_on__isnull=False).count()
    assert compiled[0][-1] == expected


def test_it_hides_what_the_reader_may_not_see(analyst, commitments, restricted_agreement):
    compiled, _ = _due(_read(analyst), **WIDE)
    hidden = {c.pk for c in commitments if c.agreement_id == restricted_agreement.pk}
    assert hidden
    assert not hidden & {row[0] for row in compiled}


def test_it_runs_its_statement_again_with_other_values(analyst, commitments):
    user = _read(analyst)
    _due(user, **WIDE)
    first = min(c.due_on for c in commitments if c.due_on)
    compiled, direct = _due(user, start=first, end=first)
    assert compiled == direct
    assert {row[4] for row in compiled} == {first}


def test_it_refuses_a_query_that_leaves_a_value_out(analyst, commitments, connection_vendor):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")

    def build(user, *, start):
        return commitments_visible_to(user).filter(due_on__gte=date(2000, 1, 1)).values_list("id")

    with pytest.raises(ValueError, match="Not every value"):
        statements.rows("leaves start out", _read(analyst), build, start=date(2000, 1, 1))


def test_it_refuses_a_second_query_under_a_key_taken(analyst, commitments, connection_vendor):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")

    def first(user):
        return commitments_visible_to(user).values_list("id")

    def second(user):
        return commitments_visible_to(user).values_list("title")

    statements.rows("one key", _read(analyst), first)
    with pytest.raises(ValueError, match="Two queries under one key"):
        statements.rows("one key", _read(analyst), second)
    with pytest.raises(ValueError, match="Two queries under one key"):
        statements.rows("one key", _read(analyst), partial(first))
    assert sorted(statements.rows("one key", _read(analyst), first)) == sorted(
        commitments_visible_to(analyst).values_list("id")
    )


def test_it_refuses_a_query_that_reads_its_reader_beyond_what_is_hidden(
    analyst, commitments, connection_vendor
):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")

    def followed(user):
        return commitments_visible_to(user).filter(agreement__followers=user).values_list("id")

    with pytest.raises(ValueError, match="not a parameter of its own"):
        statements.rows("followed by the reader", _read(analyst), followed)


@pytest.fixture
def connection_vendor():
    from django.db import connection

    return connection.vendor


def test_it_counts_the_parties_as_the_queryset_does(commitments):
    ids = Ids(sorted({c.agreement_id for c in commitments}))
    compiled = statements.rows("party scores", None, pages._party_counts, agreements=ids)
    assert sorted(compiled) == sorted(pages._party_counts(None, agreements=ids))
    assert compiled


@pytest.mark.parametrize("who", ["analyst", "admin_user"])
def test_the_totals_sum_the_visible_agreements(request, commitments, who):
    user = _read(request.getfixturevalue(who))
    sums = agreements_visible_to(user).aggregate(
        agreements=Count("id"), commitments=Sum("commitment_count")
    )
    totals = pages.overview_totals(user)
    assert (totals["agreements"], totals["commitments"]) == (
        sums["agreements"],
        sums["commitments"],
    )


def _card(agreement) -> tuple:
    return (
        agreement.pk,
        agreement.title,
        agreement.score,
        agreement.next_due_on,
        agreement.party_codes,
        agreement.team_list,
        agreement.get_deferred_fields(),
        agreement._state.adding,
    )


@pytest.mark.parametrize("who", ["analyst", "admin_user"])
def test_it_makes_the_instances_the_queryset_makes(request, commitments, who):
    user = _read(request.getfixturevalue(who))
    build = partial(pages._cards, limit=12)
    for today in (date(2000, 1, 1), date(2100, 1, 1)):
        made = statements.instances("cards 12", user, build, today=today)
        assert [_card(a) for a in made] == [_card(a) for a in build(user, today=today)]
        assert made


def test_it_refuses_a_query_that_prefetches(analyst, commitments, connection_vendor):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")

    def build(user):
        return commitments_visible_to(user).prefetch_related("responsible_parties")

    with pytest.raises(ValueError, match="prefetching"):
        statements.instances("prefetched", _read(analyst), build)


def _waiting(agreement, reference: str) -> None:
    MilestoneFactory(agreement=agreement, kind=MilestoneKind.NEGOTIATIONS, date=None)
    CommitmentFactory(
        agreement=agreement,
        reference=reference,
        title="Release <prisoners> \u202e",
        timeline_wording="3 months after the start of negotiations",
    )


def _waiting_row(commitment) -> tuple:
    return (
        commitment.pk,
        commitment.total,
        commitment.get_deferred_fields(),
        commitment.agreement.get_deferred_fields(),
        commitment.deadline_milestone.get_deferred_fields(),
        commitment.deadline_reading,
    )


@pytest.mark.parametrize("who", ["analyst", "admin_user"])
def test_it_makes_the_related_objects_the_queryset_makes(request, restricted_agreement, who):
    for n, agreement in enumerate([AgreementFactory(), AgreementFactory(), restricted_agreement]):
        _waiting(agreement, f"5.{n}")
    user = _read(request.getfixturevalue(who))
    build = partial(pages._pending, limit=10)
    made = statements.instances("pending 10", user, build)
    direct = list(build(user))
    assert pending_items(made) == pending_items(direct)
    assert [_waiting_row(c) for c in made] == [_waiting_row(c) for c in direct]
    assert len(made) == (2 if who == "analyst" else 3)


def test_the_totals_of_a_user_who_sees_nothing_are_naught(viewer, commitments):
    viewer.groups.clear()
    totals = pages.overview_totals(_read(viewer))
    assert totals == {"agreements": 0, "commitments": 0, "overdue": 0, "score": None}


@pytest.fixture
def chain(agreement):
    """first ← middle ← last (each depends on the one before), `first` flagged overdue."""
    first, middle, last = (
        CommitmentFactory(agreement=agreement, reference=reference) for reference in ("1", "2", "3")
    )
    services.commitment_set_dependencies(commitment=middle, prerequisites=[first])
    services.commitment_set_dependencies(commitment=last, prerequisites=[middle])
    OverdueFlag.objects.create(
        commitment=first, due_on=datetime.date(2026, 3, 1), flagged_at=timezone.now()
    )
    return first, middle, last


def _links_read(_user: None, *, commitment_id: int):
    """Both ends of each dependency of the commitment, and whether the one depended on is
    flagged overdue: a query of a few joins and a test to compile."""
    ends = ("id", "reference", "sort_key", "title", "status")
    return (
        Commitment.depends_on.through.objects.filter(
            Q(from_commitment_id=commitment_id) | Q(to_commitment_id=commitment_id)
        )
        .annotate(is_overdue=open_overdue_flag("to_commitment_id"))
        .values_list(
            *(f"from_commitment__{name}" for name in ends),
            *(f"to_commitment__{name}" for name in ends),
            "is_overdue",
        )
    )


def _links(pk: int) -> list[tuple]:
    return statements.rows("links", None, _links_read, commitment_id=pk)


def test_it_reads_the_rows_its_queryset_reads_for_each_id(chain):
    for commitment in chain:
        assert _links(commitment.pk) == list(_links_read(None, commitment_id=commitment.pk))
    assert _links(0) == []


def test_it_compiles_once_then_only_runs(chain, django_assert_num_queries, connection_vendor):
    _links(chain[0].pk)
    expected = list(_links_read(None, commitment_id=chain[1].pk))
    with django_assert_num_queries(1):
        assert _links(chain[1].pk) == expected
    assert len(statements._STATEMENTS) == (connection_vendor == "postgresql")


def test_the_page_reads_each_end_of_a_dependency(chain):
    first, middle, last = chain
    links = commitment_links(middle)
    assert [(link.pk, link.is_overdue) for link in links["prerequisites"]] == [(first.pk, True)]
    assert [link.pk for link in links["dependents"]] == [last.pk]


def _by_id(pk: int):
    return Commitment.objects.filter(pk=pk).values_list("pk")


# Each query has the id among its parameters too: only building it twice tells.
@pytest.mark.parametrize(
    "build",
    [
        lambda user, *, pk: _by_id(pk).extra(where=[f"tracker_commitment.id = {pk}"]),
        lambda user, *, pk: _by_id(pk) | _by_id(pk + 1),
    ],
    ids=["written in the text", "changed"],
)
def test_it_refuses_a_query_whose_value_is_not_a_parameter_of_its_own(
    chain, connection_vendor, build
):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")
    with pytest.raises(ValueError, match="not a parameter of its own"):
        statements.rows("not its own", None, build, pk=chain[0].pk)


def test_it_refuses_a_query_that_leaves_the_id_out(chain, connection_vendor):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")
    with pytest.raises(ValueError, match="Not every value"):
        statements.rows(
            "no id", None, lambda user, *, pk: Commitment.objects.values_list("pk"), pk=1
        )


def test_values_the_orm_converts_come_back_converted(agreement, analyst):
    AssessmentRound.objects.create(
        agreement=agreement,
        number=1,
        cutoff=date(2026, 1, 1),
        snapshot={"a": [1, "<b>"]},
        opened_by=analyst,
        opened_at=timezone.now(),
    )

    def build(_user, *, agreement_id):
        return AssessmentRound.objects.filter(agreement_id=agreement_id).values_list("snapshot")

    assert statements.rows("snapshots", None, build, agreement_id=agreement.pk) == [
        ({"a": [1, "<b>"]},)
    ]


def _evidence(_user, *, commitment_id: int):
    related = {"logged_by": ("username", "first_name", "last_name")}
    related |= {"claimed_by": ("code", "name"), "concerns_party": ("code",)}
    return statements.with_related(Evidence, related).filter(commitment_id=commitment_id)


def _evidence_seen(item) -> tuple:
    return (
        {field.attname: getattr(item, field.attname) for field in Evidence._meta.concrete_fields},
        item.get_deferred_fields(),
        item.logged_by and (item.logged_by.username, item.logged_by.get_deferred_fields()),
        item.claimed_by and (item.claimed_by.name, item.claimed_by.code),
        item.concerns_party and item.concerns_party.code,
    )


def test_objects_come_with_their_own_columns_and_the_related_fields_asked_for(
    commitment, analyst, django_assert_num_queries
):
    first, second = commitment.agreement.parties.order_by("code")
    services.evidence_log(
        commitment=commitment, by=analyst, summary="Seen", stance="progress", claimed_by=first
    )
    services.evidence_log(commitment=commitment, by=None, summary="Heard", concerns_party=second)
    read = partial(statements.instances, "evidence", None, _evidence)
    read(commitment_id=0)
    with django_assert_num_queries(1):
        seen = [_evidence_seen(item) for item in read(commitment_id=commitment.pk)]
    direct = _evidence(None, commitment_id=commitment.pk)
    assert seen == [_evidence_seen(item) for item in direct]
    assert [(item[0]["summary"], item[2] and item[2][0]) for item in seen] == [
        ("Seen", analyst.username),
        ("Heard", None),
    ]
    assert seen[0][2][1] == {
        field.attname
        for field in type(analyst)._meta.concrete_fields
        if field.attname not in ("id", "username", "first_name", "last_name")
    }


def _table_row(commitment) -> tuple:
    return (
        commitment.pk,
        commitment.reference,
        commitment.party_codes,
        commitment.is_overdue,
        commitment.is_at_risk,
        commitment.is_stale,
        commitment.is_blocked,
        commitment.deadline_reading,
        commitment.get_deferred_fields(),
    )


@pytest.fixture
def table(agreement):
    """An agreement's commitments: one overdue and flagged, one stale, one done, one waiting
    for its milestone, each with a responsible party."""
    milestone = MilestoneFactory(agreement=agreement, kind=MilestoneKind.NEGOTIATIONS, date=None)
    party = agreement.parties.order_by("code").first()
    made = [
        CommitmentFactory(agreement=agreement, reference="1", timeline_wording="within 1 month"),
        CommitmentFactory(agreement=agreement, reference="2", status="in_progress"),
        CommitmentFactory(agreement=agreement, reference="3", status="implemented"),
        CommitmentFactory(
            agreement=agreement,
            reference="4",
            deadline_milestone=milestone,
            timeline_wording="3 months after the start of negotiations",
        ),
    ]
    for commitment in made:
        commitment.responsible_parties.add(party)
    Commitment.objects.filter(pk=made[1].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    OverdueFlag.objects.create(
        commitment=made[0], due_on=datetime.date(2026, 3, 1), flagged_at=timezone.now()
    )
    return agreement


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "in_progress", "sort": "due"},
        {"theme": "security", "priority": "high"},
        {"overdue": "yes"},
        {"overdue": "no", "sort": "-due"},
        {"warning": "stale"},
        {"warning": "at_risk", "sort": "priority"},
        {"q": "a"},
        {"due_within": 30},
    ],
)
def test_the_agreement_table_reads_what_its_queryset_reads(table, filters):
    today = date(2026, 4, 1)
    party = table.parties.order_by("code").first()
    filters = filters | ({"party": party.code} if "theme" in filters else {})
    for low, high in ((0, 2), (2, 4)):
        direct = agreement_page.commitment_table_rows(
            agreement_page.agreement_commitments(table, today=today, filters=filters)
        )[low:high]
        made = agreement_page.agreement_table_page(
            table, today=today, filters=filters, low=low, high=high
        )
        assert [_table_row(c) for c in made] == [_table_row(c) for c in direct]
    direct = agreement_page.agreement_commitments(table, today=today, filters=filters).count()
    assert agreement_page.agreement_commitments_count(table, today=today, filters=filters) == direct


def test_it_takes_a_word_and_a_moment_as_parameters_of_their_own(commitments):
    def build(_user, *, reference, created_before):
        return Commitment.objects.filter(
            reference=reference, created_at__lt=created_before
        ).values_list("reference")

    read = partial(statements.rows, "by reference and age", None, build)
    later = timezone.now() + datetime.timedelta(days=1)
    assert read(reference="1.0", created_before=later) == [("1.0",)]
    assert read(reference="1.1", created_before=later) == [("1.1",)]
    assert read(reference="1.1", created_before=later - datetime.timedelta(days=2)) == []


def test_it_refuses_a_word_rewritten_before_the_query(commitments, connection_vendor):
    if connection_vendor != "postgresql":
        pytest.skip("only PostgreSQL compiles ahead")

    def build(_user, *, text):
        return Commitment.objects.filter(title__icontains=text).values_list("id")

    with pytest.raises(ValueError, match="Not every value"):
        statements.rows("searched", None, build, text="border")


def test_a_page_far_down_the_table_is_read_without_a_statement_of_its_own(table, connection_vendor):
    today = date(2026, 4, 1)
    low = agreement_page._COMPILED_ROWS
    made = agreement_page.agreement_table_page(
        table, today=today, filters={}, low=low, high=low + 25
    )
    assert made == []
    assert statements._STATEMENTS == {}
    agreement_page.agreement_table_page(table, today=today, filters={}, low=0, high=25)
    assert len(statements._STATEMENTS) == (connection_vendor == "postgresql")


def test_a_changed_setting_forgets_every_statement(table, connection_vendor):
    today = date(2026, 4, 1)
    agreement_page.agreement_table_page(table, today=today, filters={}, low=0, high=25)
    assert len(statements._STATEMENTS) == (connection_vendor == "postgresql")
    shares = {"not_started": 0.9, "stalled": 0.9, "in_progress": 0.9}
    with override_settings(AT_RISK_SHARE_LEFT=shares):
        assert statements._STATEMENTS == {}
        at_risk = agreement_page.agreement_table_page(
            table, today=today, filters={"warning": "at_risk"}, low=0, high=25
        )
        compiled = agreement_page.agreement_table_page(
            table, today=today, filters={}, low=0, high=25
        )
        assert {c.pk for c in compiled if c.is_at_risk} == {c.pk for c in at_risk}
