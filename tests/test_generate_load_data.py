"""manage.py generate_load_data (issue 7) and the benchmark's own measurements, at a tiny size."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Evidence,
    OverdueFlag,
    StatusChange,
    User,
)

TODAY = datetime.date(2026, 11, 29)
SIZE = [
    "--agreements=3",
    "--commitments-per-agreement=4",
    "--evidence-per-commitment=2",
    "--users=6",
    f"--today={TODAY}",
]

pytestmark = pytest.mark.django_db


def generate(*extra: str) -> str:
    out = io.StringIO()
    call_command("generate_load_data", *SIZE, *extra, stdout=out)
    return out.getvalue()


def snapshot(seed: int) -> list:
    agreements = Agreement.objects.filter(slug__startswith=f"load{seed}-")
    commitments = Commitment.objects.filter(agreement__in=agreements).order_by(
        "agreement__slug", "sort_key"
    )
    evidence = Evidence.objects.filter(commitment__in=commitments).order_by(
        "commitment__agreement__slug", "commitment__sort_key", "source_url"
    )
    return [
        list(agreements.order_by("slug").values_list("title", "status", "signed_on", "teams")),
        list(commitments.values_list("title", "status", "theme", "timeline_wording", "due_on")),
        list(evidence.values_list("summary", "stance", "reliability", "credibility")),
    ]


def test_it_generates_the_asked_size_and_reports_progress():
    output = generate()

    agreements = Agreement.objects.filter(slug__startswith="load1-")
    assert agreements.count() == 3
    assert Commitment.objects.filter(agreement__in=agreements).count() == 12
    assert Evidence.objects.filter(commitment__agreement__in=agreements).count() == 24
    assert User.objects.filter(username__startswith="load1-user").count() == 6
    assert "evidence: 100 % done" in output
    assert "Done in" in output
    # Every agreement has two distinct parties; every commitment a responsible one of them.
    for agreement in agreements.prefetch_related("parties", "commitments__responsible_parties"):
        parties = set(agreement.parties.all())
        assert len(parties) == 2
        for commitment in agreement.commitments.all():
            assert commitment.sort_key.startswith("C.000000")
            assert set(commitment.responsible_parties.all()) <= parties
            assert commitment.responsible_parties.exists()


def test_due_dates_follow_the_wording_and_overdue_flags_come_from_the_scan():
    generate()

    commitments = Commitment.objects.filter(agreement__slug__startswith="load1-")
    for commitment in commitments.select_related("agreement"):
        if commitment.timeline_wording == "ongoing":
            assert commitment.due_on is None
        else:
            months = int(commitment.timeline_wording.split()[1])
            signed = commitment.agreement.signed_on
            assert (commitment.due_on.year - signed.year) * 12 + (
                commitment.due_on.month - signed.month
            ) == months
    late = commitments.filter(due_on__lt=TODAY).exclude(
        status__in=[CommitmentStatus.IMPLEMENTED, CommitmentStatus.ABANDONED]
    )
    flagged = OverdueFlag.objects.filter(cleared_at__isnull=True, commitment__in=commitments)
    flagged_ids = set(flagged.values_list("commitment", flat=True))
    assert flagged_ids == set(late.values_list("pk", flat=True))
    # The kept figures agree with the rows, and every moved commitment has its history.
    for agreement in Agreement.objects.filter(slug__startswith="load1-"):
        assert agreement.commitment_count == 4
        assert agreement.overdue_count == late.filter(agreement=agreement).count()
    moved = commitments.exclude(status=CommitmentStatus.NOT_STARTED)
    assert StatusChange.objects.filter(commitment__in=moved).count() == moved.count()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    with transaction.atomic():
        generate()
        first = snapshot(1)
        transaction.set_rollback(True)
    assert not Agreement.objects.exists()

    generate()
    generate("--seed=2")

    assert snapshot(1) == first
    assert snapshot(2) != first
    assert first[2]  # evidence was compared, not two empty lists


def test_it_refuses_to_load_the_same_seed_twice_and_bad_arguments():
    generate()
    with pytest.raises(CommandError, match="already holds load data with seed 1"):
        generate()
    with pytest.raises(CommandError, match="--today 'soon' is not a date"):
        call_command("generate_load_data", "--today=soon")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_load_data", "--users=0")
    assert Agreement.objects.count() == 3


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_benchmark_measures_every_page_and_the_scan_against_raw_sql(settings):
    """The harness of `make bench`, at a tiny size: it must not rot between runs."""
    from bench import measure
    from bench.settings import TEMPLATES

    settings.TEMPLATES = TEMPLATES
    generate()

    pages = measure.measure_pages(repeat=2)
    assert set(pages) == set(measure.page_urls())
    for name, page in pages.items():
        assert 0 < page["queries"] <= 15, name
        assert page["median_ms"] > 0
    assert pages["floor"]["queries"] == 3  # session, user, agreement

    scan = measure.measure_scan(rounds=1)
    assert scan["flagged"] == OverdueFlag.objects.filter(cleared_at__isnull=True).count() > 0
    assert scan["commitments"] == 12
    # It leaves the figures as the app's scan keeps them.
    assert sum(Agreement.objects.values_list("overdue_count", flat=True)) == scan["flagged"]
