"""`db.Prepared`: a read's SQL built once, run with each id, its rows the queryset's own; and
the commitment page's access check, which reads its commitment so."""

import datetime

import pytest
from django.utils import timezone

from tracker import selectors, services
from tracker.db import Prepared, PreparedObjects
from tracker.models import AssessmentRound, Commitment, Evidence, OverdueFlag, Role, User
from tracker.selectors.pages import _links_read, commitment_links

from .factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


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


def test_it_reads_the_rows_its_queryset_reads(chain):
    links = Prepared(_links_read)
    for commitment in chain:
        assert links.rows(commitment.pk) == list(_links_read(commitment.pk))
    assert links.rows(0) == []


def test_it_builds_its_sql_once_a_database(chain, django_assert_num_queries):
    links = Prepared(_links_read)
    links.rows(chain[0].pk)
    expected = list(_links_read(chain[1].pk))
    with django_assert_num_queries(1):
        assert links.rows(chain[1].pk) == expected
    assert len(links._statements) == 1


def test_the_page_reads_each_end_of_a_dependency(chain):
    first, middle, last = chain
    links = commitment_links(middle)
    assert [(link.pk, link.is_overdue) for link in links["prerequisites"]] == [(first.pk, True)]
    assert [link.pk for link in links["dependents"]] == [last.pk]


def test_a_read_whose_id_is_not_a_parameter_of_its_own_is_refused(chain):
    ignoring = Prepared(lambda id_: Commitment.objects.values_list("pk"))
    with pytest.raises(ValueError, match="not a parameter"):
        ignoring.rows(chain[0].pk)


def test_a_read_whose_values_the_orm_converts_is_left_to_the_orm(chain):
    # A JSON column is decoded by the ORM on every database.
    snapshots = Prepared(lambda id_: AssessmentRound.objects.filter(pk=id_).values_list("snapshot"))
    assert snapshots.rows(chain[0].pk) == []
    assert snapshots._statements == {"postgresql": None}


def test_objects_come_with_their_own_columns_and_the_related_fields_asked_for(
    commitment, analyst, django_assert_num_queries
):
    first, second = commitment.agreement.parties.order_by("code")
    services.evidence_log(
        commitment=commitment, by=analyst, summary="Seen", stance="progress", claimed_by=first
    )
    services.evidence_log(commitment=commitment, by=None, summary="Heard", concerns_party=second)
    read = PreparedObjects(
        Evidence,
        "commitment_id",
        {"logged_by": ("username",), "claimed_by": ("name", "code"), "concerns_party": ("code",)},
    )
    expected = {item.pk: item for item in Evidence.objects.filter(commitment=commitment)}
    with django_assert_num_queries(1):
        items = sorted(read.objects(commitment.pk), key=lambda item: item.pk)
        seen = [
            (
                item.summary,
                item.logged_at,
                item.logged_by and item.logged_by.username,
                item.claimed_by and (item.claimed_by.name, item.claimed_by.code),
                item.concerns_party and item.concerns_party.code,
            )
            for item in items
        ]
    assert [
        {field.attname: getattr(item, field.attname) for field in Evidence._meta.concrete_fields}
        for item in items
    ] == [
        {field.attname: getattr(item, field.attname) for field in Evidence._meta.concrete_fields}
        for item in expected.values()
    ]
    assert seen == [
        ("Seen", items[0].logged_at, analyst.username, (first.name, first.code), None),
        ("Heard", items[1].logged_at, None, None, second.code),
    ]


def test_one_agreement_is_visible_to_whoever_sees_it_among_the_visible_ones(
    agreement, restricted_agreement, viewer, analyst, admin_user
):
    # `agreement_visible_to` restates `agreements_visible_to` for one agreement: held equal.
    member = UserFactory(username="member", role=Role.ANALYST)
    restricted_agreement.teams.get().members.add(member)
    nobody = UserFactory(username="no-role")
    for user in (viewer, analyst, admin_user, member, nobody):
        for read in (True, False):
            user = User.objects.get(pk=user.pk)  # afresh: access not read yet
            if read:
                selectors.read_access(user)
            seen = set(selectors.agreements_visible_to(user).values_list("pk", flat=True))
            for shown in (agreement, restricted_agreement):
                assert selectors.agreement_visible_to(user, shown.pk) == (shown.pk in seen)


def test_a_commitment_of_a_hidden_agreement_is_not_found(client, analyst, restricted_agreement):
    client.force_login(analyst)
    hidden = restricted_agreement.commitments.get()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/commitments/999999/").status_code == 404
