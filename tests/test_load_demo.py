"""`manage.py load_demo`: the seed agreement, imported from the example file and dated
relative to today; running it twice changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from tracker.dev.demo import EXAMPLE, EXAMPLE_DAY, SLUG, demo_document
from tracker.import_files import read_document
from tracker.importer import run_import
from tracker.models import Agreement, Commitment, Evidence, OverdueFlag, StatusChange, User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC))
    call_command("load_demo")
    return Agreement.objects.get(slug=SLUG)


def test_it_loads_the_seed_agreement_with_both_parties(demo):
    assert sorted(demo.parties.values_list("code", flat=True)) == ["AFG", "PAK"]
    assert demo.milestones.filter(kind="signing", date=demo.signed_on).exists()
    assert demo.milestones.filter(name__icontains="follow-up").exists()


def test_it_has_the_action_items_of_the_article_with_their_due_dates(demo):
    patrols = Commitment.objects.get(agreement=demo, title="Create joint border patrols")
    networks = Commitment.objects.get(agreement=demo, title="Create communication networks")
    assert patrols.timeline_wording == "Within 3 months"
    assert networks.timeline_wording == "Within 1 month"
    assert patrols.due_on > networks.due_on > demo.signed_on


def test_it_shows_overdue_due_soon_and_implemented_commitments(demo):
    commitments = Commitment.objects.filter(agreement=demo)
    overdue = OverdueFlag.objects.filter(cleared_at__isnull=True, commitment__agreement=demo)
    due_soon = commitments.filter(
        due_on__gte=TODAY, due_on__lte=TODAY + datetime.timedelta(days=30)
    ).exclude(status__in=["implemented", "abandoned"])
    assert overdue.count() >= 2
    assert due_soon.count() >= 2
    assert commitments.filter(status="implemented").count() >= 2
    assert commitments.filter(due_on__isnull=True).exists()


def test_it_logs_evidence_and_status_changes(demo):
    assert Evidence.objects.filter(commitment__agreement=demo).count() >= 3
    assert StatusChange.objects.filter(commitment__agreement=demo).count() >= 3


def test_it_creates_one_demo_user_per_role(demo):
    users = User.objects.annotate(role_groups=Count("groups")).filter(role_groups=1)
    assert {user.role_label for user in users} == {"Viewer", "Analyst", "Editor", "Admin"}


def test_running_it_twice_changes_nothing(demo, capsys):
    counts = [model.objects.count() for model in (Commitment, Evidence, StatusChange, User)]
    call_command("load_demo")
    assert [model.objects.count() for model in (Commitment, Evidence, StatusChange, User)] == counts
    assert "nothing changed" in capsys.readouterr().out


def test_it_prints_the_demo_logins(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "analyst" in out
    assert "analyst-demo" in out


def test_it_shows_a_dispute_a_blocked_commitment_and_an_extension(demo):
    from tracker import selectors

    commitments = selectors.with_warnings(
        Commitment.objects.filter(agreement=demo), today=TODAY, now=timezone.now()
    )
    assert commitments.get(reference="2.1").is_disputed
    assert commitments.get(reference="3.3").is_blocked
    extended = commitments.get(reference="5.2")
    assert extended.original_due_on is not None
    assert extended.due_on > extended.original_due_on


def _dry_run(document: dict):
    return run_import(document, file_name=EXAMPLE.name, by=None, dry_run=True)


def test_the_example_is_dated_as_the_demo_of_the_day_these_tests_load():
    assert EXAMPLE_DAY == TODAY


def test_importing_the_example_into_the_demo_changes_nothing(demo):
    report = _dry_run(read_document(EXAMPLE.name, EXAMPLE.read_bytes()))
    assert report.made_changes == []
    assert {change.kind for change in report.changes} >= {"agreement", "commitment", "evidence"}


def test_exporting_the_demo_gives_the_example_file(demo, tmp_path):
    exported = tmp_path / "demo.yaml"
    with timezone.override(datetime.UTC):  # the example's moments are written in UTC
        call_command("export_agreements", SLUG, "--format", "yaml", "-o", str(exported))
    example = "".join(
        line for line in EXAMPLE.read_text().splitlines(keepends=True) if not line.startswith("#")
    )
    assert exported.read_text() == example


def test_loaded_another_day_it_is_the_example_with_every_date_moved(time_machine):
    later = datetime.date(2027, 3, 2)
    time_machine.move_to(datetime.datetime(2027, 3, 2, 9, tzinfo=datetime.UTC))
    call_command("load_demo", stdout=io.StringIO())
    agreement = Agreement.objects.get(slug=SLUG)
    assert agreement.signed_on == later - datetime.timedelta(days=110)
    task_forces = agreement.commitments.get(reference="3.3")
    assert task_forces.timeline_wording == "by 14 March 2027"
    assert _dry_run(demo_document(later)).made_changes == []


def test_into_a_demo_loaded_later_the_example_moves_the_dated_items_back(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC))
    call_command("load_demo", stdout=io.StringIO())
    report = _dry_run(read_document(EXAMPLE.name, EXAMPLE.read_bytes()))
    assert [(change.kind, change.label) for change in report.made_changes] == [
        ("agreement", SLUG),
        ("source", f"{SLUG}: Pakistan and Afghanistan Unite to Combat Cross-Border Terrorism"),
        ("milestone", f"{SLUG}: Follow-up meeting on benchmarks and timelines"),
        ("commitment", f"{SLUG}: 3.3"),
    ]


def test_the_demo_agreement_is_public_with_its_feed_and_card(demo, client):
    assert demo.is_public
    assert demo.history.first().history_user.username == "editor"
    assert demo.title in client.get("/public/").content.decode()
    page = client.get(f"/public/agreements/{SLUG}/").content.decode()
    feed = f'<link rel="alternate" type="application/atom+xml" title="⁨{demo.title}⁩: status '
    assert feed + f'changes and evidence" href="/public/agreements/{SLUG}/feed/">' in page
    assert f"/public/agreements/{SLUG}/embed/" in page
