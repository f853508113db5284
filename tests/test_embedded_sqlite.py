"""The embedded default (`make run`): SQLite, no servers. The jobs' raw SQL must store values
as the ORM reads them back there too, and every page must work there: the rest of the suite
runs on PostgreSQL."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Signed in as each demo role, every page of the demo: the lists, every agreement and
# commitment page, the fragments, searches of each kind, the API and the admin's lists;
# then, anonymous, every public page of the demo's (public) agreement; then an analyst's
# actions: evidence, a status change, following an agreement.
PAGES = """
from django.test import Client
from tracker.models import Agreement, Commitment, User
urls = ["/", "/agreements/", "/overdue/", "/overdue/?format=csv", "/search/?q=border",
        "/search/?q=border&kind=agreements", "/search/?q=border&kind=commitments",
        "/search/?q=border&kind=evidence", "/api/v1/commitments/", "/api/v1/agreements/",
        "/account/calendar/", "/account/api-token/", "/preferences/"]
for agreement in Agreement.objects.all():
    urls += [agreement.get_absolute_url(), agreement.get_absolute_url() + "?sort=due",
             agreement.get_absolute_url() + "export.json"]
for commitment in Commitment.objects.all():
    urls += [commitment.get_absolute_url(), commitment.get_absolute_url() + "audit/"]
admin_lists = ["/admin/", "/admin/tracker/agreement/", "/admin/tracker/commitment/",
               "/admin/tracker/evidence/", "/admin/tracker/statuschange/",
               "/admin/tracker/overdueflag/"]
failed = []
for role in ("viewer", "analyst", "editor", "admin"):
    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(username=role)
    client.force_login(user)
    extra = [f"/calendar/{user.calendar_token}.ics"]
    extra += admin_lists if role in ("editor", "admin") else []
    extra += ["/import/", "/draft/"] if role in ("editor", "admin") else []
    for url in urls + extra:
        status = client.get(url).status_code
        if status != 200:
            failed.append((role, url, status))
anonymous = Client(HTTP_HOST="127.0.0.1")
public = ["/public/", "/public/feed/", "/public/data/", "/public/data/commitments.csv",
          "/public/data/agreements.json", "/public/data/codebook.md"]
for agreement in Agreement.objects.all():
    public += [f"/public/agreements/{agreement.slug}/{tail}" for tail in ("", "feed/", "embed/")]
for commitment in Commitment.objects.all():
    public.append(f"/public/commitments/{commitment.pk}/")
for url in public:
    status = anonymous.get(url).status_code
    if status != 200:
        failed.append(("anonymous", url, status))
analyst = Client(HTTP_HOST="127.0.0.1")
analyst.force_login(User.objects.get(username="analyst"))
commitment = Commitment.objects.exclude(status="implemented").order_by("pk").first()
evidence = {"action": "log-evidence", "summary": "Patrols seen", "stance": "progress",
            "reliability": "B", "credibility": "2"}
status = {"action": "change-status", "status": "implemented", "reason": "Patrols run",
          "version": commitment.version}
for url, data in [(commitment.get_absolute_url(), evidence),
                  (commitment.get_absolute_url(), status),
                  (commitment.agreement.get_absolute_url() + "follow/", {"follow": "1"})]:
    answer = analyst.post(url, data).status_code
    if answer != 302:
        failed.append(("analyst", "POST " + url, data.get("action"), answer))
commitment.refresh_from_db()
if commitment.status != "implemented" or not commitment.evidence.filter(summary="Patrols seen"):
    failed.append(("analyst", "the evidence or the status was not saved"))
print("RESULT", len(urls), failed)
"""


def _demo_on_sqlite(tmp_path, script: str) -> str:
    """`script` run after migrating a fresh SQLite database and loading the demo, as
    `make run` does; what it prints after RESULT."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_", "EMAIL_", "CACHE_"))
    } | {"TRACKER_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "1"}
    setup = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('load_demo', verbosity=0)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", setup + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split("RESULT")[1].strip()


def test_the_demo_on_sqlite_counts_its_overdue_commitments(tmp_path):
    script = (
        "from tracker.models import Agreement, OverdueFlag\n"
        "flags = OverdueFlag.objects.filter(cleared_at__isnull=True).count()\n"
        "kept = Agreement.objects.get().overdue_count\n"
        "print('RESULT', flags, kept)\n"
    )
    flags, kept = map(int, _demo_on_sqlite(tmp_path, script).split())
    assert flags >= 2
    assert kept == flags


def test_every_page_and_the_analysts_actions_work_on_sqlite(tmp_path):
    checked, failed = _demo_on_sqlite(tmp_path, PAGES).split(" ", 1)
    assert int(checked) > 20
    assert failed == "[]"


# Every kind of write the triggers of migration 0015 must follow, on SQLite's row triggers;
# then the figures against a recount, and the triggers gone when the migration is reversed.
FIGURES = """
import datetime
from django.db import connection
from tracker import selectors, services
from tracker.models import Agreement, Commitment, CommitmentStatus, OverdueFlag, User
analyst = User.objects.get(username="analyst")
first = Agreement.objects.get()
second = Agreement.objects.create(title="Second", slug="second", signed_on=first.signed_on)
second.parties.set(first.parties.all())
services.overdue_scan(today=datetime.date.today() + datetime.timedelta(days=400))
late = OverdueFlag.objects.filter(cleared_at__isnull=True).select_related("commitment")
moving = late.filter(commitment__due_on__lt=datetime.date.today()).first().commitment
moving.agreement = second
moving.save()
open_one = Commitment.objects.filter(agreement=first, status="in_progress").first()
services.commitment_set_status(commitment=open_one, status="abandoned", reason="x", by=analyst)
Commitment.objects.filter(agreement=first, status="not_started").update(status="partial")
Commitment.objects.create(agreement=first, reference="99", title="Extra").delete()
Commitment.objects.create(agreement=second, reference="98", title="Another", due_on=first.signed_on)
services.overdue_scan(today=datetime.date.today())
second.refresh_from_db()
kept = (second.commitment_count, second.overdue_count)
differences = selectors.agreement_figures_check().differences
call_command("migrate", "tracker", "0014", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE '%figures%'")
    left = cursor.fetchone()[0]
print("RESULT", kept, differences, left)
"""


def test_the_figures_on_sqlite_follow_every_kind_of_write(tmp_path):
    assert _demo_on_sqlite(tmp_path, FIGURES) == "(2, 2) [] 0"


# The early warnings' SQL (`selectors.with_warnings`: the rules, written partly as SQL of
# their own in tracker/db.py) against the commitment page's reading of the same rules
# (`selectors.warnings_read`), on SQLite, today and later; one commitment made to wait on a
# flagged one, so that each of the three warnings shows at least once.
WARNINGS = """
import datetime
from django.utils import timezone
from tracker import selectors
from tracker.models import Commitment, OverdueFlag
flagged = OverdueFlag.objects.filter(cleared_at__isnull=True).first().commitment
waiting = (Commitment.objects.filter(agreement=flagged.agreement, status="in_progress")
           .exclude(pk=flagged.pk).first())
waiting.depends_on.add(flagged)
now = timezone.now()
mismatches, seen = [], {"is_at_risk": 0, "is_stale": 0, "is_blocked": 0}
for days in (0, 20, 120, 400):
    at = now + datetime.timedelta(days=days)
    today = timezone.localdate(at)
    commitments = Commitment.objects.select_related("agreement", "deadline_milestone")
    for commitment in selectors.with_warnings(commitments, today=today, now=at):
        read = selectors.warnings_read(
            commitment, today=today, now=at, evidence=list(commitment.evidence.all()),
            prerequisites=selectors.commitment_links(commitment)["prerequisites"],
        )
        sql = {name: bool(getattr(commitment, name)) for name in read}
        if read != sql:
            mismatches.append((commitment.pk, days, read, sql))
        for name, value in sql.items():
            seen[name] += value
print("RESULT", mismatches, seen)
"""


def test_the_warnings_sql_agrees_with_the_commitment_pages_reading_on_sqlite(tmp_path):
    mismatches, seen = _demo_on_sqlite(tmp_path, WARNINGS).split(" ", 1)
    assert mismatches == "[]"
    counts = ast.literal_eval(seen)
    assert all(count > 0 for count in counts.values()), counts
