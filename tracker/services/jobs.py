"""The periodic jobs' writes, set-based: the overdue scan."""

from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Commitment,
    JobName,
    JobRun,
    OverdueFlag,
)
from ..models.commitments import CLOSED_STATUSES
from ..pagecache import data_changed_on_commit

_FLAG_NEW_OVERDUE = """
INSERT INTO {flag} (commitment_id, due_on, flagged_at, cleared_at, clear_reason)
SELECT c.id, c.due_on, %s, NULL, ''
FROM {commitment} c
WHERE c.due_on < %s
  AND c.status NOT IN ({closed})
  AND NOT EXISTS (
      SELECT 1 FROM {flag} f WHERE f.commitment_id = c.id AND f.cleared_at IS NULL
  )
ORDER BY c.id
{on_conflict}
"""


# Rows a scan may flag or clear before it refreshes the flag table's planner statistics.
_ANALYZE_AFTER = 10_000

# Any constant: the key of the PostgreSQL advisory lock that lets one scan run at a time.
_SCAN_LOCK_KEY = 0x7472_6163_6B01


def overdue_scan(*, today: date, now: datetime | None = None) -> JobRun:
    """Flag every commitment that is late on `today`; clear the flags of those no longer late.

    A few set-based statements, whatever the number of commitments: clear, flag, record the
    run; the figures' triggers move each agreement's overdue count. Running it again changes
    nothing; two scans at once flag each commitment once (on PostgreSQL they take turns on an
    advisory lock, and the open-flag unique constraint holds whatever happens); a missed run
    is caught up because every statement looks at the state, not at a window.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A second scan waits for the first to commit and then finds nothing left to do,
            # instead of racing it row by row (the unique open flag would still hold).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCAN_LOCK_KEY])
        open_flags = OverdueFlag.objects.filter(cleared_at__isnull=True)
        cleared = open_flags.filter(commitment__status__in=CLOSED_STATUSES).update(
            cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
        )
        cleared += open_flags.filter(
            Q(commitment__due_on__isnull=True) | Q(commitment__due_on__gte=today)
        ).update(cleared_at=now, clear_reason=OverdueFlag.ClearReason.DEADLINE_MOVED)
        insert = _FLAG_NEW_OVERDUE.format(
            flag=OverdueFlag._meta.db_table,
            commitment=Commitment._meta.db_table,
            closed=", ".join(["%s"] * len(CLOSED_STATUSES)),
            # The scan is the only writer of flags, one at a time (the advisory lock above;
            # SQLite's single writer), so no new flag can meet an open one. On PostgreSQL the
            # speculative insertion of ON CONFLICT cost a third of the statement (3 s of 9 at
            # 460,000 new flags); there a broken assumption fails loudly on the unique open
            # flag instead of being skipped.
            on_conflict="" if connection.vendor == "postgresql" else "ON CONFLICT DO NOTHING",
        )
        params = [
            # As the ORM would store them (SQLite keeps datetimes as text).
            connection.ops.adapt_datetimefield_value(now),
            connection.ops.adapt_datefield_value(today),
            *(str(status) for status in CLOSED_STATUSES),
        ]
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
            flagged = max(cursor.rowcount, 0)
        if connection.vendor == "postgresql" and flagged + cleared > _ANALYZE_AFTER:
            # A scan that flags or clears this many rows (the first one over a backlog)
            # leaves the planner's picture of the flag table out of date until autovacuum
            # catches up; the next scan, planned on it, joined 460,000 flags as if there
            # were a thousand (minutes, not seconds, at a million commitments).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {OverdueFlag._meta.db_table}")
        if flagged or cleared:
            data_changed_on_commit()
        return JobRun.objects.create(
            job=JobName.FLAG_OVERDUE,
            started_at=now,
            finished_at=timezone.now(),
            as_of=today,
            flagged=flagged,
            cleared=cleared,
        )
