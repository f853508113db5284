"""Migration 0019 makes the figures' triggers again with abandoned commitments scored at 0
and recounts the figures already kept: `refresh_figures --check` passes after it, on
PostgreSQL and on SQLite, and undoing it brings the old rule back."""

import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tracker import selectors
from tracker.models import Agreement, Commitment, CommitmentStatus

from .factories import CommitmentFactory

ROOT = Path(__file__).resolve().parent.parent
migration = import_module("tracker.migrations.0019_abandoned_scored_at_zero")


def _scored(agreement) -> int:
    return Agreement.objects.get(pk=agreement.pk).scored_count


@pytest.mark.django_db
def test_it_recounts_existing_figures_both_ways_on_postgresql(agreement):
    for status in (CommitmentStatus.IMPLEMENTED, CommitmentStatus.ABANDONED, "not_started"):
        CommitmentFactory(agreement=agreement, status=status)
    # PostgreSQL's DDL is transactional: the test's rollback restores the triggers.
    with connection.schema_editor() as editor:
        migration.backwards(apps, editor)
    assert _scored(agreement) == 2
    Commitment.objects.filter(status="not_started").update(status="abandoned")
    assert _scored(agreement) == 1  # the old triggers leave it out
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)
    assert _scored(agreement) == 3
    assert selectors.agreement_figures_check().differences == []
    call_command("refresh_figures", "--check", verbosity=0)


# Figures kept under the old triggers, then migrated: the check raises on any difference.
SQLITE = """
from django.core.management import call_command
from tracker.models import Agreement, Commitment
# The demo is loaded with today's schema (the models know no other), then taken back to 0018;
# under it only the columns 0018 has are read or written.
call_command("migrate", verbosity=0)
# Loaded by today's models, then taken back to 0018 (whose triggers keep the figures from
# then on); the figures are read alone, as 0018 has none of the columns added since.
call_command("load_demo", verbosity=0)
call_command("migrate", "tracker", "0018", verbosity=0)
scored = Agreement.objects.values_list("scored_count", flat=True)
Commitment.objects.filter(pk__in=Commitment.objects.values("pk")[:3]).update(status="abandoned")
abandoned = Commitment.objects.filter(status="abandoned").count()
before = scored.get()
call_command("migrate", "tracker", verbosity=0)
call_command("refresh_figures", "--check", verbosity=0)
after = Agreement.objects.get()
# Since 0026 commitments with no deadline and no criterion (not verifiable) are not scored.
verifiable = Commitment.objects.filter(is_verifiable=True).count()
call_command("migrate", "tracker", "0018", verbosity=0)
undone = scored.get()
print("RESULT", after.commitment_count - abandoned == before, after.scored_count ==
      verifiable, undone == before)
"""


def test_it_recounts_existing_figures_both_ways_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_", "EMAIL_", "CACHE_"))
    } | {"TRACKER_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", SQLITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("RESULT")[1].split() == ["True", "True", "True"]
