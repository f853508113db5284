"""manage.py refresh_figures: the operator's recount, and with --check the alarm that tells
whether the kept figures still agree with one."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tracker.models import Agreement

from .factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _refresh(*args: str) -> str:
    out = io.StringIO()
    call_command("refresh_figures", *args, stdout=out)
    return out.getvalue()


def _kept() -> list[tuple]:
    return list(
        Agreement.objects.order_by("pk").values_list(
            "commitment_count", "scored_count", "score_points", "overdue_count"
        )
    )


def test_it_says_that_every_agreement_agrees_with_a_recount():
    CommitmentFactory.create_batch(2)
    assert _refresh("--check") == "The figures of all 2 agreements agree with a recount.\n"


def test_the_check_names_each_difference_exits_1_and_changes_nothing(agreement):
    AgreementFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tracker_agreement SET overdue_count = 7")
    before = _kept()
    out = io.StringIO()

    with pytest.raises(CommandError, match="2 of 2 agreements keep figures that differ") as error:
        call_command("refresh_figures", "--check", stdout=out)

    assert error.value.returncode == 1
    assert f"{agreement.slug}: overdue_count is 7, a recount gives 0" in out.getvalue()
    assert len(out.getvalue().splitlines()) == 2
    assert _kept() == before


def test_without_check_it_corrects_the_figures_and_says_how_many(agreement):
    CommitmentFactory(agreement=agreement)
    AgreementFactory()
    Agreement.objects.filter(pk=agreement.pk).update(commitment_count=0)

    assert _refresh() == "Recounted the figures of every agreement: corrected 1.\n"
    assert _refresh("--check") == "The figures of all 2 agreements agree with a recount.\n"


def test_the_check_speaks_of_one_agreement_in_the_singular(db):
    AgreementFactory()
    assert _refresh("--check") == "The figures of the one agreement agree with a recount.\n"
