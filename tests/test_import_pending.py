"""Importing events that have not happened (undated milestones), dating them later, the
grace period for prompt commitments and an agreement's public holidays."""

import datetime
import textwrap

import pytest

from tracker import services
from tracker.import_files import ImportFailed, read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment, Milestone

pytestmark = pytest.mark.django_db

D = datetime.date

PENDING = """
parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    milestones:
      - {name: Start of intra-Afghan negotiations, kind: negotiations}
    commitments:
      - reference: "1"
        title: Release prisoners
        timeline: within three months of the start of intra-Afghan negotiations
      - reference: "2"
        title: Exchange instruments
        timeline: upon ratification
"""

DATED = """
agreements:
  - slug: doha
    milestones:
      - {name: Start of intra-Afghan negotiations, date: 2026-09-12}
"""


def _import(text: str, name: str = "agreements.yaml"):
    document = read_document(name, textwrap.dedent(text).encode())
    return run_import(document, file_name=name, by=None)


def test_an_undated_milestone_is_imported_and_its_commitments_are_pending():
    _import(PENDING)
    agreement = Agreement.objects.get(slug="doha")
    assert agreement.milestones.get(name="Start of intra-Afghan negotiations").date is None
    pending = Commitment.objects.get(reference="1")
    assert (pending.due_on, pending.is_pending) == (None, True)
    assert services.overdue_scan(today=D(2030, 1, 1)).flagged == 0


def test_upon_ratification_makes_an_undated_ratification_milestone():
    _import(PENDING)
    commitment = Commitment.objects.get(reference="2")
    assert commitment.deadline_milestone.name == "Ratification"
    assert commitment.deadline_milestone.date is None


def test_dating_the_milestone_in_a_later_import_gives_the_commitments_their_dates():
    _import(PENDING)
    report = _import(DATED)
    assert Commitment.objects.get(reference="1").due_on == D(2026, 12, 12)
    assert ("milestone", "updated", 1) in report.counts()


def test_a_refused_import_leaves_the_milestone_and_the_due_dates_as_they_were():
    _import(PENDING)
    broken = DATED + '    commitments:\n      - {reference: "1", theme: nonsense}\n'
    with pytest.raises(ImportFailed):
        _import(broken)
    assert Milestone.objects.get(name="Start of intra-Afghan negotiations").date is None
    assert Commitment.objects.get(reference="1").due_on is None


def test_the_grace_period_dates_prompt_commitments():
    _import(
        PENDING.replace(
            "    signed_on: 2026-01-31\n", "    signed_on: 2026-01-31\n    prompt_grace_days: 10\n"
        )
        + '      - {reference: "3", title: Hotline, timeline: immediately}\n'
    )
    assert Agreement.objects.get().prompt_grace_days == 10
    assert Commitment.objects.get(reference="3").due_on == D(2026, 2, 10)


def test_a_grace_period_out_of_range_is_refused_naming_the_field():
    errors = _errors_of(
        PENDING.replace(
            "    signed_on: 2026-01-31\n", "    signed_on: 2026-01-31\n    prompt_grace_days: 0\n"
        )
    )
    assert any("field prompt_grace_days" in error and "from 1 to 3650" in error for error in errors)
    assert not Agreement.objects.exists()


def test_holidays_are_imported_and_working_days_skip_them():
    holidays = "    holidays: [2026-03-23, {date: 2026-03-24, name: Eid}]\n"
    text = (
        PENDING.replace("    signed_on: 2026-01-31\n", "    signed_on: 2026-03-19\n" + holidays)
        + '      - {reference: "4", title: Report, timeline: within 2 working days}\n'
    )
    _import(text)
    agreement = Agreement.objects.get()
    assert dict(agreement.holidays.values_list("date", "name")) == {
        D(2026, 3, 23): "",
        D(2026, 3, 24): "Eid",
    }
    # From Thursday 19 March: Friday 20, then Monday 23 and Tuesday 24 are holidays.
    assert Commitment.objects.get(reference="4").due_on == D(2026, 3, 25)
    _import("agreements:\n  - slug: doha\n    holidays: []\n")
    assert Commitment.objects.get(reference="4").due_on == D(2026, 3, 23)


def test_a_holiday_that_is_not_a_date_is_refused():
    errors = _errors_of(
        PENDING.replace(
            "    signed_on: 2026-01-31\n", "    signed_on: 2026-01-31\n    holidays: [23/03/2026]\n"
        )
    )
    assert any("holiday 1, field date" in error and "is not a date" in error for error in errors)


def _errors_of(text: str) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        _import(text)
    return failure.value.errors


def test_a_later_commitment_may_count_from_the_event_an_earlier_wording_made():
    _import(
        PENDING + '      - {reference: "5", title: Report, timeline: within 1 month, '
        "counted_from: Ratification}\n"
    )
    later = Commitment.objects.get(reference="5")
    assert later.deadline_milestone == Commitment.objects.get(reference="2").deadline_milestone
    assert later.is_pending
