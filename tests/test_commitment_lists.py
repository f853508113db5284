"""The lists the commitment page shows, read as JSON with the commitment
(`selectors.commitment_with_agreement`, `commitment_lists`), are the instances the ORM
reads: the same columns, values and types, the same related objects holding the same
fields, in the same order, with hostile text and times to the microsecond."""

import datetime

import pytest

from tests.factories import AgreementFactory, CommitmentFactory, PartyFactory, UserFactory
from tests.test_embedded_sqlite import _demo_on_sqlite
from tracker import services
from tracker.models import (
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    OverdueFlag,
    Party,
    StatusChange,
)
from tracker.selectors import commitment_with_agreement
from tracker.selectors.commitment_page import COMMITMENT_LISTS, commitment_links, commitment_lists

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>&\u202e\"\u0627\u062a\u0641\u0627\u0642 \\ \n"
MOMENT = datetime.datetime(2026, 2, 1, 23, 30, 0, 123456, tzinfo=datetime.UTC)


def _commitment() -> Commitment:
    """A commitment with two of its agreement's three parties responsible, and some of
    everything its page lists."""
    parties = [PartyFactory(name=HOSTILE + "b"), PartyFactory(name="A"), PartyFactory(name="C")]
    agreement = AgreementFactory(parties=parties)
    commitment = CommitmentFactory(agreement=agreement, responsible=parties[:2])
    someone = UserFactory(first_name=HOSTILE, last_name="\u0627")
    shown = Evidence.objects.create(
        commitment=commitment,
        summary=HOSTILE,
        occurred_on=datetime.date(2026, 1, 2),
        stance="progress",
        claimed_by=parties[0],
        logged_by=someone,
        logged_at=MOMENT,
    )
    Evidence.objects.create(
        commitment=commitment,
        summary="Withdrawn",
        stance="setback",
        concerns_party=parties[1],
        logged_at=MOMENT,
        retracted_at=MOMENT + datetime.timedelta(days=1),
        retracted_by=someone,
        retraction_reason=HOSTILE,
    )
    for party, by in ((parties[1], None), (None, someone)):
        StatusChange.objects.create(
            commitment=commitment,
            party=party,
            evidence=shown,
            from_status="not_started",
            to_status="in_progress",
            reason=HOSTILE,
            changed_by=by,
            changed_at=MOMENT,
        )
    OverdueFlag.objects.create(
        commitment=commitment,
        due_on=datetime.date(2026, 1, 31),
        flagged_at=MOMENT,
        cleared_at=MOMENT + datetime.timedelta(seconds=1),
        clear_reason=OverdueFlag.ClearReason.CLOSED,
    )
    DeadlineExtension.objects.create(
        commitment=commitment,
        previous_wording="within 3 months",
        new_wording=HOSTILE,
        new_due_on=datetime.date(2026, 9, 1),
        reason=HOSTILE,
        recorded_by=someone,
        recorded_at=MOMENT,
    )
    for position, evidence in ((2, None), (1, shown)):
        Criterion.objects.create(
            commitment=commitment,
            text=HOSTILE,
            position=position,
            met_on=evidence and datetime.date(2026, 2, 2),
            evidence=evidence,
            recorded_at=MOMENT,
        )
    return commitment


def _orm(commitment: Commitment, name: str) -> list:
    """The list as the ORM reads it: every column of its own, the related fields asked for."""
    spec = COMMITMENT_LISTS[name]
    if name == "responsible_parties":
        return list(Party.objects.filter(commitments=commitment))
    if name == "agreement_parties":
        return list(Party.objects.filter(agreements=commitment.agreement_id))
    own = [field.name for field in spec.model._meta.concrete_fields]
    wanted = [f"{key}__{field}" for key, fields in spec.related.items() for field in fields]
    return list(
        spec.model.objects.filter(commitment=commitment)
        .select_related(*spec.related)
        .only(*own, *wanted)
    )


def _seen(item, related: dict) -> tuple:
    """What an instance holds: its loaded columns' values, and of each related object its
    id, the fields asked for and which are left to load."""
    deferred = item.get_deferred_fields()
    columns = {
        field.attname: (getattr(item, field.attname), type(getattr(item, field.attname)))
        for field in type(item)._meta.concrete_fields
        if field.attname not in deferred
    }
    objects = {}
    for name, fields in related.items():
        other = getattr(item, name)
        objects[name] = other and (
            other.pk,
            {field: getattr(other, field) for field in fields},
            other.get_deferred_fields(),
        )
    return columns, deferred, objects, item._state.adding


def test_each_list_read_with_the_commitment_is_the_orms(django_assert_num_queries):
    commitment = _commitment()
    read = commitment_with_agreement(commitment.pk)
    with django_assert_num_queries(0):
        lists = dict(zip(COMMITMENT_LISTS, commitment_lists(read, *COMMITMENT_LISTS), strict=True))
        seen = {
            name: [_seen(item, COMMITMENT_LISTS[name].related) for item in items]
            for name, items in lists.items()
        }
    assert seen == {
        name: [_seen(item, COMMITMENT_LISTS[name].related) for item in _orm(commitment, name)]
        for name in COMMITMENT_LISTS
    }
    assert all(seen.values())  # every list has rows


def test_a_commitment_read_otherwise_reads_its_lists_in_one_query(django_assert_num_queries):
    commitment = _commitment()
    read = commitment_with_agreement(commitment.pk)
    alone = Commitment.objects.get(pk=commitment.pk)
    with django_assert_num_queries(1):
        lists = commitment_lists(alone, *COMMITMENT_LISTS)
    assert [[_values(item) for item in items] for items in lists] == [
        [_values(item) for item in items] for items in commitment_lists(read, *COMMITMENT_LISTS)
    ]


def _values(item) -> dict:
    return {name: value for name, value in item.__dict__.items() if name != "_state"}


def test_a_commitment_with_nothing_listed_has_empty_lists():
    commitment = CommitmentFactory(agreement=AgreementFactory(), responsible=[])
    read = commitment_with_agreement(commitment.pk)
    assert commitment_lists(read, *COMMITMENT_LISTS)[:-1] == [[]] * (len(COMMITMENT_LISTS) - 1)


def test_its_responsible_parties_come_read_and_narrow_as_the_managers_do(
    django_assert_num_queries,
):
    commitment = _commitment()
    read = commitment_with_agreement(commitment.pk)
    with django_assert_num_queries(0):
        parties = list(read.responsible_parties.all())
    assert parties == list(Commitment.objects.get(pk=commitment.pk).responsible_parties.all())
    assert {party.name for party in parties} == {"A", HOSTILE + "b"}
    other = Party.objects.exclude(commitments=commitment).first()
    assert list(read.responsible_parties.filter(pk=other.pk)) == []
    assert [party.name for party in read.responsible_parties.filter(name="A")] == ["A"]


def test_there_is_no_commitment_of_an_unknown_id():
    assert commitment_with_agreement(0) is None


SQLITE = """
from tracker.models import Commitment, Party
from tracker.selectors import commitment_with_agreement
from tracker.selectors.commitment_page import COMMITMENT_LISTS, commitment_lists
differ, rows = [], 0
for pk in Commitment.objects.values_list("pk", flat=True):
    commitment = commitment_with_agreement(pk)
    mine = dict(zip(COMMITMENT_LISTS, commitment_lists(commitment, *COMMITMENT_LISTS)))
    for name, items in mine.items():
        spec = COMMITMENT_LISTS[name]
        if name == "responsible_parties":
            orm = Party.objects.filter(commitments=pk)
        elif name == "agreement_parties":
            orm = Party.objects.filter(agreements=commitment.agreement_id)
        else:
            orm = spec.model.objects.filter(commitment=pk).select_related(*spec.related)
        orm = [
            {f.attname: getattr(item, f.attname) for f in spec.model._meta.concrete_fields}
            for item in orm
        ]
        rows += len(items)
        seen = [{k: v for k, v in item.__dict__.items() if k != "_state"} for item in items]
        if seen != orm:
            differ.append((pk, name))
print("RESULT", rows > 0, differ)
"""


def test_the_lists_are_the_orms_on_sqlite(tmp_path):
    assert _demo_on_sqlite(tmp_path, SQLITE) == "True []"


def test_its_dependencies_read_with_it_are_those_read_alone(django_assert_num_queries):
    commitment = _commitment()
    before, after = (
        CommitmentFactory(agreement=commitment.agreement, reference=reference, title=HOSTILE)
        for reference in ("0.1", "9.9")
    )
    services.commitment_set_dependencies(commitment=commitment, prerequisites=[before])
    services.commitment_set_dependencies(commitment=after, prerequisites=[commitment])
    OverdueFlag.objects.create(commitment=before, due_on=MOMENT.date(), flagged_at=MOMENT)
    read = commitment_with_agreement(commitment.pk)
    with django_assert_num_queries(0):
        links = commitment_links(read)
    assert links == commitment_links(Commitment.objects.get(pk=commitment.pk))
    assert [(link.pk, link.title, link.is_overdue) for link in links["prerequisites"]] == [
        (before.pk, HOSTILE, True)
    ]
    assert [(link.pk, link.is_overdue) for link in links["dependents"]] == [(after.pk, False)]
    assert commitment_links(commitment_with_agreement(after.pk))["prerequisites"][0].pk == (
        commitment.pk
    )
