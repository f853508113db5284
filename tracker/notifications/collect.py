"""Collection: the events each user chose, for each of their channels, as `Notification` rows,
in one set-based statement per kind of event, read from the rows the services already write
(status changes, evidence, overdue flags, the evidence inbox's proposals) and from the due
dates (reminders). No service calls in here, and none calls here.

Who: the followers of the commitment's agreement (`User.followed_agreements`) who turned the
event on (`NotificationSettings`), once per channel of theirs; never for what the user did
themselves; only events after the channel was added. Visibility is applied when a message is
sent (`deliver`), with the one rule (`selectors.commitments_visible_to`): a follow can outlive
the right to see the agreement, and the right can be lost between collection and sending.

Idempotent: the unique (channel, event_key) drops what a run had already collected (`ON
CONFLICT DO NOTHING`), and each collector reads from its last run's start minus
NOTIFY_COLLECT_OVERLAP_MINUTES (`NotificationCursor`): a transaction that committed late is
still seen, and a long stop of the job is caught up.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from ..models import (
    Commitment,
    EventKind,
    Evidence,
    Notification,
    NotificationChannel,
    NotificationCursor,
    NotificationSettings,
    OverdueFlag,
    Proposal,
    ProposalState,
    ReminderOffset,
    StatusChange,
    User,
)
from ..models.commitments import OPEN_STATUSES

_COLUMNS = (
    "channel_id, kind, event_key, commitment_id, status_change_id, evidence_id,"
    " overdue_flag_id, proposal_id, reminder_days, due_on, occurred_at, collected_at"
)


def _tables() -> dict[str, str]:
    return {
        "notification": Notification._meta.db_table,
        "channel": NotificationChannel._meta.db_table,
        "settings": NotificationSettings._meta.db_table,
        "offset": ReminderOffset._meta.db_table,
        "follow": User.followed_agreements.through._meta.db_table,
        "commitment": Commitment._meta.db_table,
        "status_change": StatusChange._meta.db_table,
        "evidence": Evidence._meta.db_table,
        "flag": OverdueFlag._meta.db_table,
        "proposal": Proposal._meta.db_table,
    }


# The followers who want this kind of event, each of their channels, and the commitments of
# the agreements they follow: the start of every collector's FROM.
_FOLLOWERS = """
FROM {follow} f
JOIN {settings} ns ON ns.user_id = f.user_id AND ns.{wants} = %s
JOIN {channel} ch ON ch.user_id = f.user_id
JOIN {commitment} c ON c.agreement_id = f.agreement_id
"""

_STATUS_CHANGES = """
INSERT INTO {notification} ({columns})
SELECT ch.id, %s, 'status:' || CAST(s.id AS TEXT), c.id, s.id, NULL, NULL, NULL, NULL, NULL,
       s.changed_at, %s
{followers}
JOIN {status_change} s ON s.commitment_id = c.id
WHERE s.changed_at >= %s AND s.changed_at >= ch.created_at
  AND (s.changed_by_id IS NULL OR s.changed_by_id <> f.user_id)
ON CONFLICT (channel_id, event_key) DO NOTHING
"""

_EVIDENCE = """
INSERT INTO {notification} ({columns})
SELECT ch.id, %s, 'evidence:' || CAST(e.id AS TEXT), c.id, NULL, e.id, NULL, NULL, NULL, NULL,
       e.logged_at, %s
{followers}
JOIN {evidence} e ON e.commitment_id = c.id
WHERE e.logged_at >= %s AND e.logged_at >= ch.created_at AND e.retracted_at IS NULL
  AND (e.logged_by_id IS NULL OR e.logged_by_id <> f.user_id)
ON CONFLICT (channel_id, event_key) DO NOTHING
"""

_OVERDUE = """
INSERT INTO {notification} ({columns})
SELECT ch.id, %s, 'overdue:' || CAST(o.id AS TEXT), c.id, NULL, NULL, o.id, NULL, NULL,
       o.due_on, o.flagged_at, %s
{followers}
JOIN {flag} o ON o.commitment_id = c.id
WHERE o.flagged_at >= %s AND o.flagged_at >= ch.created_at
ON CONFLICT (channel_id, event_key) DO NOTHING
"""

# Only a proposal still waiting: one accepted or rejected before the run is not news (the
# message says it waits). The matcher makes them, so there is no "what the user did" to leave
# out; a re-targeted proposal is a new row with its first one's `created_at`.
_PROPOSALS = """
INSERT INTO {notification} ({columns})
SELECT ch.id, %s, 'proposal:' || CAST(p.id AS TEXT), c.id, NULL, NULL, NULL, p.id, NULL, NULL,
       p.created_at, %s
{followers}
JOIN {proposal} p ON p.commitment_id = c.id
WHERE p.created_at >= %s AND p.created_at >= ch.created_at AND p.state = %s
ON CONFLICT (channel_id, event_key) DO NOTHING
"""

# A reminder for offset N fires once the deadline is N days away or nearer, unless a smaller
# offset of the user's already covers the days left (a job that stopped for a few days sends
# the nearest reminder, not every one it missed). Its key holds the due date: a deadline that
# moves gets its reminders again.
_REMINDERS = """
INSERT INTO {notification} ({columns})
SELECT ch.id, %s,
       'reminder:' || CAST(c.id AS TEXT) || ':' || CAST(r.days AS TEXT) || ':'
           || CAST(c.due_on AS TEXT),
       c.id, NULL, NULL, NULL, NULL, r.days, c.due_on, %s, %s
{followers}
JOIN {offset} r ON r.user_id = f.user_id
WHERE c.due_on >= %s AND c.status IN ({open_statuses}) AND {days_left} <= r.days
  AND NOT EXISTS (
      SELECT 1 FROM {offset} nearer
      WHERE nearer.user_id = r.user_id AND nearer.days < r.days AND nearer.days >= {days_left}
  )
ON CONFLICT (channel_id, event_key) DO NOTHING
"""


def _days_left_sql() -> str:
    """Days from the parameter date to `c.due_on`, as PostgreSQL and SQLite spell it."""
    if connection.vendor == "postgresql":
        return "(c.due_on - CAST(%s AS date))"
    return "CAST(julianday(c.due_on) - julianday(%s) AS INTEGER)"


def _insert(template: str, wants: str, params: list, **extra: str) -> int:
    tables = _tables()
    followers = _FOLLOWERS.format(wants=wants, **tables)
    sql = template.format(columns=_COLUMNS, followers=followers, **tables, **extra)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def collect_status_changes(*, since: datetime, now: datetime, today: date) -> int:
    return _insert(_STATUS_CHANGES, "on_status_change", [EventKind.STATUS_CHANGE, now, True, since])


def collect_evidence(*, since: datetime, now: datetime, today: date) -> int:
    return _insert(_EVIDENCE, "on_evidence", [EventKind.EVIDENCE, now, True, since])


def collect_overdue_flags(*, since: datetime, now: datetime, today: date) -> int:
    return _insert(_OVERDUE, "on_overdue", [EventKind.OVERDUE, now, True, since])


def collect_proposals(*, since: datetime, now: datetime, today: date) -> int:
    params = [EventKind.PROPOSAL, now, True, since, ProposalState.PROPOSED]
    return _insert(_PROPOSALS, "on_proposal", params)


def collect_reminders(*, since: datetime, now: datetime, today: date) -> int:
    """Reminders read the due dates as they are now: `since` does not narrow them."""
    open_statuses = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)
    days_left = _days_left_sql()
    params = [EventKind.REMINDER, now, now, True, today, today, today]
    return _insert(
        _REMINDERS, "on_reminder", params, open_statuses=open_statuses, days_left=days_left
    )


# Every collector, by the name of its cursor: a new kind of event is a collector here, an
# `EventKind`, a `NotificationSettings` choice and its wording in `messages`.
COLLECTORS = {
    "status_changes": collect_status_changes,
    "evidence": collect_evidence,
    "overdue_flags": collect_overdue_flags,
    "proposals": collect_proposals,
    "reminders": collect_reminders,
}


def notifications_collect(*, now: datetime, today: date) -> dict[str, int]:
    """Run every collector once, in one transaction with the cursors it moves; how many
    notifications each added. The same few statements whatever the data."""
    overlap = timedelta(minutes=settings.NOTIFY_COLLECT_OVERLAP_MINUTES)
    with transaction.atomic():
        cursors = dict(
            NotificationCursor.objects.select_for_update()
            .filter(name__in=COLLECTORS)
            .values_list("name", "collected_until")
        )
        added = {
            name: collector(since=cursors.get(name, now) - overlap, now=now, today=today)
            for name, collector in COLLECTORS.items()
        }
        NotificationCursor.objects.bulk_create(
            [NotificationCursor(name=name, collected_until=now) for name in COLLECTORS],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["collected_until"],
        )
    return added
