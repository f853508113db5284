"""The embedded default (`make run`): SQLite, no servers. The jobs' raw SQL must store values
as the ORM reads them back there too."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_on_sqlite_counts_its_overdue_commitments(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_", "EMAIL_"))
    } | {"TRACKER_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "1"}
    script = (
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); call_command('load_demo'); "
        "from tracker.models import Agreement, OverdueFlag; "
        "flags = OverdueFlag.objects.filter(cleared_at__isnull=True).count(); "
        "kept = Agreement.objects.get().overdue_count; "
        "print('RESULT', flags, kept)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    flags, kept = map(int, result.stdout.split("RESULT")[1].split())
    assert flags >= 2
    assert kept == flags
