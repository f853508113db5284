"""The periodic jobs' writes, set-based: the overdue scan."""

import logging
import random
import time
from datetime import date, datetime
from itertools import count

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg import errors

from ..models import (
    Commitment,
    JobName,
    JobRun,
    OverdueFlag,
)
from ..models.commitments import CLOSED_STATUSES

logger = logging.getLogger(__name__)

# Flags for open commitments past their due date that have no open flag. ORDER BY: without
# the sort PostgreSQL may run the NOT EXISTS as a nested loop over the flag table's pages
# while the statement fills them (its new rows are invisible to it but still read).
_NEW_OVERDUE = """
SELECT c.id, c.due_on, %(now)s, NULL, ''
FROM {commitment} c
WHERE c.due_on < %(today)s
  AND c.status NOT IN ({closed})
  AND NOT EXISTS (
      SELECT 1 FROM {flag} f WHERE f.commitment_id = c.id AND f.cleared_at IS NULL
  )
ORDER BY c.id
"""

# PostgreSQL: clear and flag in one statement, so that every flag row it writes is locked
# before the figures' triggers (which run when the statement ends) lock any agreement, the
# order every writer keeps. A cleared commitment is closed or not late, so the insert, which
# sees the flags as they were when the statement started, never needs a flag it clears.
# FOR KEY SHARE keeps a commitment from being deleted until the scan commits: a deletion
# committed in between used to fail the scan on the new flag's foreign key, checked at
# commit. No ON CONFLICT: its speculative insertion cost a third of the insert's time, for
# a conflict the advisory lock rules out; a broken assumption fails loudly on the unique
# open flag instead of being skipped.
_CLEAR_AND_FLAG = """
WITH cleared AS (
    UPDATE {flag} f
    SET cleared_at = %(now)s,
        clear_reason = CASE WHEN c.status IN ({closed}) THEN %(closed_reason)s
                            ELSE %(moved_reason)s END
    FROM {commitment} c
    WHERE c.id = f.commitment_id AND f.cleared_at IS NULL
      AND (c.status IN ({closed}) OR c.due_on IS NULL OR c.due_on >= %(today)s)
    RETURNING f.id
), flagged AS (
    INSERT INTO {flag} (commitment_id, due_on, flagged_at, cleared_at, clear_reason)
    {select}
    FOR KEY SHARE OF c
    RETURNING id
)
SELECT (SELECT count(*) FROM cleared), (SELECT count(*) FROM flagged)
"""

# SQLite: the insert, after two updates (its one writer at a time has no lock order to
# keep); a flag that would meet an open one is skipped.
_FLAG_NEW_OVERDUE = """
INSERT INTO {flag} (commitment_id, due_on, flagged_at, cleared_at, clear_reason)
{select}
ON CONFLICT DO NOTHING
"""

# Rows a scan may flag or clear before it refreshes the flag table's planner statistics.
_ANALYZE_AFTER = 10_000

# Any constant: the key of the PostgreSQL advisory lock that lets one scan run at a time.
_SCAN_LOCK_KEY = 0x7472_6163_6B01

# A deadlock or a serialization failure ends the scan's transaction, not its work: it is
# tried again from the start after a short pause, doubled each time.
_ATTEMPTS = 4
_FIRST_PAUSE_SECONDS = 0.1
_TRANSIENT = (errors.DeadlockDetected, errors.SerializationFailure)


def overdue_scan(*, today: date, now: datetime | None = None) -> JobRun:
    """Flag every commitment that is late on `today`; clear the flags of those no longer late.

    Set-based, whatever the number of commitments: clear, flag, record the run; the
    figures' triggers move each agreement's overdue count. Running it again changes
    nothing; two scans at once flag each commitment once (on PostgreSQL they take turns on an
    advisory lock, and the open-flag unique constraint holds whatever happens); a missed run
    is caught up because every statement looks at the state, not at a window.

    On PostgreSQL a deadlock or serialization failure is retried a few times, unless the
    caller's transaction is open (then only the caller can start again).
    """
    retry = not connection.in_atomic_block
    for attempt in count(1):
        try:
            return _scan(today=today, now=now or timezone.now())
        except OperationalError as error:
            if not (retry and attempt < _ATTEMPTS and isinstance(error.__cause__, _TRANSIENT)):
                raise
            pause = _FIRST_PAUSE_SECONDS * 2 ** (attempt - 1) * random.uniform(1, 2)
            logger.warning(
                "Overdue scan as of %s, attempt %d of %d: %s; trying again in %.2f s",
                today,
                attempt,
                _ATTEMPTS,
                type(error.__cause__).__name__,
                pause,
            )
            time.sleep(pause)


def _scan(*, today: date, now: datetime) -> JobRun:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A second scan waits for the first to commit and then finds nothing left to do,
            # instead of racing it row by row (the unique open flag would still hold).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCAN_LOCK_KEY])
            cleared, flagged = _clear_and_flag(today=today, now=now)
        else:
            cleared, flagged = _clear_then_flag(today=today, now=now)
        if connection.vendor == "postgresql" and flagged + cleared > _ANALYZE_AFTER:
            # A scan that flags or clears this many rows (the first one over a backlog)
            # leaves the planner's picture of the flag table out of date until autovacuum
            # catches up; the next scan, planned on it, joined a backlog's flags as if there
            # were a handful, many times slower (docs/benchmarks.md).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {OverdueFlag._meta.db_table}")
        return JobRun.objects.create(
            job=JobName.FLAG_OVERDUE,
            started_at=now,
            finished_at=timezone.now(),
            as_of=today,
            flagged=flagged,
            cleared=cleared,
        )


def _statement(template: str) -> tuple[str, dict]:
    """`template` with the tables and the closed statuses filled in, and the statuses'
    parameters."""
    closed = {f"closed{number}": str(status) for number, status in enumerate(CLOSED_STATUSES)}
    names = {
        "flag": OverdueFlag._meta.db_table,
        "commitment": Commitment._meta.db_table,
        "closed": ", ".join(f"%({name})s" for name in closed),
    }
    return template.format(**names, select=_NEW_OVERDUE.format(**names)), closed


def _clear_and_flag(*, today: date, now: datetime) -> tuple[int, int]:
    """PostgreSQL: the one statement; returns (cleared, flagged)."""
    sql, closed = _statement(_CLEAR_AND_FLAG)
    params = {
        "now": now,
        "today": today,
        "closed_reason": OverdueFlag.ClearReason.CLOSED.value,
        "moved_reason": OverdueFlag.ClearReason.DEADLINE_MOVED.value,
        **closed,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cleared, flagged = cursor.fetchone()
    return cleared, flagged


def _clear_then_flag(*, today: date, now: datetime) -> tuple[int, int]:
    """SQLite: two updates and an insert; returns (cleared, flagged)."""
    open_flags = OverdueFlag.objects.filter(cleared_at__isnull=True)
    cleared = open_flags.filter(commitment__status__in=CLOSED_STATUSES).update(
        cleared_at=now, clear_reason=OverdueFlag.ClearReason.CLOSED
    )
    cleared += open_flags.filter(
        Q(commitment__due_on__isnull=True) | Q(commitment__due_on__gte=today)
    ).update(cleared_at=now, clear_reason=OverdueFlag.ClearReason.DEADLINE_MOVED)
    sql, closed = _statement(_FLAG_NEW_OVERDUE)
    params = {
        # As the ORM would store them (SQLite keeps datetimes as text).
        "now": connection.ops.adapt_datetimefield_value(now),
        "today": connection.ops.adapt_datefield_value(today),
        **closed,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        flagged = max(cursor.rowcount, 0)
    return cleared, flagged
