"""The rows the agreement's summary counts, read as JSON with the agreement
(`selectors.with_summary_rows`), are the rows the ORM reads: the same values and types, in
the same order, with hostile text, times to the microsecond and dates."""

import datetime

import pytest

from tests.factories import AgreementFactory, CommitmentFactory, PartyFactory
from tests.test_embedded_sqlite import _demo_on_sqlite
from tracker.models import Agreement, Commitment, Obligation, StatusChange
from tracker.selectors import with_summary_rows
from tracker.selectors.agreement_lists import summary_rows

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>&\u202e\"\u0627\u062a\u0641\u0627\u0642 \\ \n"


def _agreement() -> Agreement:
    parties = [PartyFactory(name=HOSTILE + "a"), PartyFactory(name="B")]
    agreement = AgreementFactory(parties=parties)
    first = CommitmentFactory(agreement=agreement, reference="2", title=HOSTILE)
    CommitmentFactory(agreement=agreement, reference="1", timeline_wording="no deadline")
    moments = [
        datetime.datetime(2026, 2, 1, 23, 30, 0, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 2, 1, 23, 30, 0, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 5, 1, 2, 3, tzinfo=datetime.UTC),
    ]
    for moment, party, (before, after) in zip(
        moments,
        [parties[0], None, parties[1]],
        [("not_started", "in_progress"), ("in_progress", "stalled"), ("not_started", "partial")],
        strict=True,
    ):
        StatusChange.objects.create(
            commitment=first,
            party=party,
            from_status=before,
            to_status=after,
            reason="because",
            changed_at=moment,
        )
    return agreement


def test_the_summary_rows_read_with_the_agreement_are_the_orms():
    agreement = _agreement()
    read = with_summary_rows(Agreement.objects.filter(pk=agreement.pk)).get()
    rows = summary_rows(read)
    assert rows == summary_rows(agreement)  # read alone, in a query of their own
    assert rows["commitments"] == list(
        Commitment.objects.filter(agreement=agreement)
        .order_by("sort_key")
        .values_list("id", "reference", "title", "theme", "status", "due_on", "is_verifiable")
    )
    assert sorted(rows["obligations"]) == sorted(
        Obligation.objects.filter(commitment__agreement=agreement).values_list(
            "commitment_id", "party_id", "status", "party__code", "party__name"
        )
    )
    assert rows["changes"] == list(
        StatusChange.objects.filter(commitment__agreement=agreement)
        .order_by("changed_at", "id")
        .values_list("commitment_id", "party_id", "changed_at", "from_status", "to_status")
    )
    assert any(row[5] is not None for row in rows["commitments"])  # a date read back


def test_an_agreement_without_commitments_has_no_summary_rows():
    agreement = AgreementFactory()
    read = with_summary_rows(Agreement.objects.filter(pk=agreement.pk)).get()
    assert summary_rows(read) == {"commitments": [], "obligations": [], "changes": []}


SQLITE = """
from tracker.models import Agreement, Commitment, Obligation, StatusChange
from tracker.selectors import with_summary_rows
from tracker.selectors.agreement_lists import summary_rows
differ, changes = [], 0
for agreement in with_summary_rows(Agreement.objects.all()):
    rows = summary_rows(agreement)
    mine = Commitment.objects.filter(agreement=agreement).order_by("sort_key")
    obligations = Obligation.objects.filter(commitment__agreement=agreement)
    history = StatusChange.objects.filter(commitment__agreement=agreement)
    orm = {
        "commitments": list(mine.values_list(
            "id", "reference", "title", "theme", "status", "due_on", "is_verifiable")),
        "obligations": sorted(obligations.values_list(
            "commitment_id", "party_id", "status", "party__code", "party__name")),
        "changes": list(history.order_by("changed_at", "id").values_list(
            "commitment_id", "party_id", "changed_at", "from_status", "to_status")),
    }
    rows["obligations"].sort()
    changes += len(rows["changes"])
    if rows != orm:
        differ.append(agreement.slug)
print("RESULT", changes > 0, differ)
"""


def test_the_summary_rows_are_the_orms_on_sqlite(tmp_path):
    assert _demo_on_sqlite(tmp_path, SQLITE) == "True []"
