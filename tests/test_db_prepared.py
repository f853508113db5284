"""`db.Prepared`: a read's SQL built once, run with each id, its rows the queryset's own."""

import datetime

import pytest
from django.utils import timezone

from tracker import services
from tracker.db import Prepared
from tracker.models import AssessmentRound, Commitment, OverdueFlag
from tracker.selectors.pages import _links_read, commitment_links

from .factories import CommitmentFactory

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
