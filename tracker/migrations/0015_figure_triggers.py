"""The database keeps each agreement's figures: commitments, scored, points, overdue.

Several code paths used to write them (a recount after a status change, deltas from the
overdue scan, the admin), and two at once could overwrite each other: the counts drifted, and
a count driven below zero failed every later scan on its check constraint. Triggers on the
commitment and overdue flag tables are now their only writers, so every path that changes
those rows (services, admin, imports, raw ORM saves, SQL by hand) moves the figures in the
same transaction.

PostgreSQL: statement-level triggers with transition tables, so that the scan's insert of
hundreds of thousands of flags costs one grouped join rather than a call per row. Each adds
per-agreement deltas (`count = count + delta`) to the agreements whose figures change,
locking them in id order first, so that writers meeting on the same agreements queue instead
of deadlocking. An open flag counts for the agreement of its commitment: a statement that
moves commitments to another agreement takes an advisory lock exclusively, every statement
that changes flags takes it shared, so that no flag is counted under an agreement its
commitment is leaving at the same moment.

SQLite (the embedded default): row-level triggers doing the same; it has no statement
triggers, its data is small and it has one writer. Django remakes a SQLite table to alter one
of its columns, which drops the table's triggers: such a migration must create them again.

The weights are frozen here as `STATUS_WEIGHTS` had them; new weights need a migration that
creates the triggers again, passing its own frozen weights to the builders here (0019 does).
"""

from django.db import migrations

# tracker.models.commitments.STATUS_WEIGHTS when this was written (None: not scored).
STATUS_WEIGHTS = {
    "not_started": 0,
    "in_progress": 1,
    "stalled": 1,
    "partial": 2,
    "implemented": 3,
    "abandoned": None,
}
# Any constant (the overdue scan's own advisory lock is 0x7472_6163_6B01).
MOVE_LOCK_KEY = 0x7472_6163_6B02


def _scored(row: str, weights: dict) -> str:
    """SQL: 1 when commitment `row` counts in the score, else 0."""
    scored = ", ".join(f"'{status}'" for status, weight in weights.items() if weight is not None)
    return f"(CASE WHEN {row}.status IN ({scored}) THEN 1 ELSE 0 END)"


def _points(row: str, weights: dict) -> str:
    """SQL: the points of commitment `row`'s status."""
    cases = " ".join(
        f"WHEN '{status}' THEN {weight}" for status, weight in weights.items() if weight
    )
    return f"(CASE {row}.status {cases} ELSE 0 END)"


def _open_flags(commitment_id: str) -> str:
    """SQL: how many open flags the commitment with this id has."""
    return (
        "(SELECT count(*) FROM tracker_overdueflag f "
        f"WHERE f.commitment_id = {commitment_id} AND f.cleared_at IS NULL)"
    )


# ------------------------------------------------------------------------------------------
# PostgreSQL

PG_ADD = """
CREATE FUNCTION tracker_figures_add(
    ids bigint[], commitments bigint[], scored bigint[], points bigint[], overdue bigint[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        RETURN;
    END IF;
    -- FOR NO KEY UPDATE is the lock the update takes anyway, taken earlier and in id order;
    -- unlike FOR UPDATE it lets foreign-key checks of rows that point at these agreements
    -- (a new milestone, a follower) go on.
    PERFORM 1 FROM tracker_agreement WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE tracker_agreement a
    SET commitment_count = a.commitment_count + d.commitments,
        scored_count = a.scored_count + d.scored,
        score_points = a.score_points + d.points,
        overdue_count = a.overdue_count + d.overdue
    FROM unnest(ids, commitments, scored, points, overdue)
        AS d (id, commitments, scored, points, overdue)
    WHERE a.id = d.id;
END $$
"""

# `{changes}` yields (agreement_id, commitments, scored, points, overdue) rows; their sums
# per agreement, where not all zero, are added.
PG_APPLY = """
    PERFORM tracker_figures_add(
        array_agg(agreement_id ORDER BY agreement_id),
        array_agg(commitments ORDER BY agreement_id),
        array_agg(scored ORDER BY agreement_id),
        array_agg(points ORDER BY agreement_id),
        array_agg(overdue ORDER BY agreement_id)
    )
    FROM (
        SELECT agreement_id, sum(commitments)::bigint AS commitments,
               sum(scored)::bigint AS scored, sum(points)::bigint AS points,
               sum(overdue)::bigint AS overdue
        FROM ({changes}) AS changes
        GROUP BY agreement_id
        HAVING sum(commitments) <> 0 OR sum(scored) <> 0 OR sum(points) <> 0
            OR sum(overdue) <> 0
    ) AS deltas;
    RETURN NULL;
"""

PG_COMMITMENT_INSERT = """
CREATE FUNCTION tracker_commitment_figures_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flagged boolean;
BEGIN
    -- A new commitment has flags only when SQL by hand wrote them first (foreign keys are
    -- checked at commit); look them up only then.
    flagged := EXISTS (
        SELECT 1 FROM tracker_overdueflag f JOIN new_rows n ON n.id = f.commitment_id
    );
    {apply}
END $$
"""

PG_COMMITMENT_DELETE = """
CREATE FUNCTION tracker_commitment_figures_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flagged boolean;
BEGIN
    -- Django deletes a commitment's flags before it; SQL by hand may leave them to later in
    -- the transaction, and then they go uncounted with their commitment, after the lock
    -- that keeps the writers of flags from counting them at the same moment.
    flagged := EXISTS (
        SELECT 1 FROM tracker_overdueflag f JOIN old_rows o ON o.id = f.commitment_id
    );
    IF flagged THEN
        PERFORM pg_advisory_xact_lock({key});
    END IF;
    {apply}
END $$
"""

PG_COMMITMENT_UPDATE = """
CREATE FUNCTION tracker_commitment_figures_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A commitment that moves to another agreement takes its open flags with it, counted
    -- once no writer of flags is counting them.
    IF EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE o.agreement_id <> n.agreement_id
    ) THEN
        PERFORM pg_advisory_xact_lock({key});
    END IF;
    {apply}
END $$
"""

# Only rows whose status or agreement changed can move a figure.
_PG_CHANGED_COMMITMENTS = (
    "FROM old_rows o JOIN new_rows n USING (id) "
    "WHERE o.status <> n.status OR o.agreement_id <> n.agreement_id"
)

PG_FLAG_FUNCTION = """
CREATE FUNCTION tracker_overdueflag_figures_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS ({open_rows}) THEN
        RETURN NULL;
    END IF;
    -- Shared with every other writer of flags; a move of commitments takes it exclusively.
    PERFORM pg_advisory_xact_lock_shared({key});
    {apply}
END $$
"""

PG_TRIGGER = """
CREATE TRIGGER {table}_figures_{event}
    AFTER {event} ON {table}
    REFERENCING {transition}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_figures_{event}()
"""
TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _pg_commitment_functions(weights: dict) -> list[str]:
    def figures(row: str, sign: str, overdue: str) -> str:
        return (
            f"SELECT {row}.agreement_id, {sign}1 AS commitments, "
            f"{sign}{_scored(row, weights)} AS scored, "
            f"{sign}{_points(row, weights)} AS points, {sign}({overdue}) AS overdue"
        )

    def apply(changes: str) -> str:
        return PG_APPLY.format(changes=changes)

    moved = "CASE WHEN o.agreement_id <> n.agreement_id THEN {} ELSE 0 END"
    return [
        PG_COMMITMENT_INSERT.format(
            apply=apply(
                figures("n", "", f"CASE WHEN flagged THEN {_open_flags('n.id')} ELSE 0 END")
                + " FROM new_rows n"
            )
        ),
        PG_COMMITMENT_DELETE.format(
            key=MOVE_LOCK_KEY,
            apply=apply(
                figures("o", "-", f"CASE WHEN flagged THEN {_open_flags('o.id')} ELSE 0 END")
                + " FROM old_rows o"
            ),
        ),
        PG_COMMITMENT_UPDATE.format(
            key=MOVE_LOCK_KEY,
            apply=apply(
                f"{figures('n', '', moved.format(_open_flags('n.id')))} {_PG_CHANGED_COMMITMENTS}"
                " UNION ALL "
                f"{figures('o', '-', moved.format(_open_flags('o.id')))} {_PG_CHANGED_COMMITMENTS}"
            ),
        ),
    ]


def _pg_flag_functions() -> list[str]:
    # Open flags count 1, as a value rather than a filter: PostgreSQL knows how many rows a
    # transition table holds but not how many pass a filter, and guessing few it looked
    # the commitments up one by one.
    def changes(rows: str, sign: str) -> str:
        return (
            f"SELECT commitment_id, {sign}(CASE WHEN cleared_at IS NULL THEN 1 ELSE 0 END) "
            f"AS overdue FROM {rows}"
        )

    def apply(flags: str) -> str:
        return PG_APPLY.format(
            changes="SELECT c.agreement_id, 0 AS commitments, 0 AS scored, 0 AS points, "
            f"f.overdue FROM ({flags}) AS f JOIN tracker_commitment c ON c.id = f.commitment_id"
        )

    events = {
        "insert": (
            "SELECT 1 FROM new_rows WHERE cleared_at IS NULL",
            changes("new_rows", ""),
        ),
        "update": (
            "SELECT 1 FROM old_rows WHERE cleared_at IS NULL "
            "UNION ALL SELECT 1 FROM new_rows WHERE cleared_at IS NULL",
            f"{changes('old_rows', '-')} UNION ALL {changes('new_rows', '')}",
        ),
        "delete": (
            "SELECT 1 FROM old_rows WHERE cleared_at IS NULL",
            changes("old_rows", "-"),
        ),
    }
    return [
        PG_FLAG_FUNCTION.format(
            event=event, open_rows=open_rows, key=MOVE_LOCK_KEY, apply=apply(flags)
        )
        for event, (open_rows, flags) in events.items()
    ]


def _pg_create(weights: dict) -> list[str]:
    return [
        PG_ADD,
        *_pg_commitment_functions(weights),
        *_pg_flag_functions(),
        *(
            PG_TRIGGER.format(table=table, event=event, transition=transition)
            for table in ("tracker_commitment", "tracker_overdueflag")
            for event, transition in TRANSITIONS.items()
        ),
    ]


def _pg_drop() -> list[str]:
    return [
        *(
            f"DROP TRIGGER IF EXISTS {table}_figures_{event} ON {table}; "
            f"DROP FUNCTION IF EXISTS {table}_figures_{event}()"
            for table in ("tracker_commitment", "tracker_overdueflag")
            for event in TRANSITIONS
        ),
        "DROP FUNCTION IF EXISTS tracker_figures_add(bigint[], bigint[], bigint[], bigint[], "
        "bigint[])",
    ]


# ------------------------------------------------------------------------------------------
# SQLite: the same, a row at a time.


def _sqlite_add(row: str, sign: str, agreement: str, weights: dict) -> str:
    """An UPDATE adding (sign '+') or taking away ('-') commitment `row`'s figures."""
    return (
        f"UPDATE tracker_agreement SET commitment_count = commitment_count {sign} 1, "
        f"scored_count = scored_count {sign} {_scored(row, weights)}, "
        f"score_points = score_points {sign} {_points(row, weights)}, "
        f"overdue_count = overdue_count {sign} {_open_flags(f'{row}.id')} "
        f"WHERE id = {agreement};"
    )


def _sqlite_flag(row: str, sign: str) -> str:
    """An UPDATE counting (sign '+') or uncounting ('-') flag `row` if it is open."""
    return (
        f"UPDATE tracker_agreement SET overdue_count = overdue_count {sign} 1 "
        f"WHERE {row}.cleared_at IS NULL AND id = "
        f"(SELECT agreement_id FROM tracker_commitment WHERE id = {row}.commitment_id);"
    )


def _sqlite_create(weights: dict) -> list[str]:
    return [
        "CREATE TRIGGER tracker_commitment_figures_insert AFTER INSERT ON tracker_commitment "
        f"BEGIN {_sqlite_add('NEW', '+', 'NEW.agreement_id', weights)} END",
        # Old figures away first: each step keeps every count at zero or more.
        "CREATE TRIGGER tracker_commitment_figures_update "
        "AFTER UPDATE OF status, agreement_id ON tracker_commitment "
        "WHEN OLD.status <> NEW.status OR OLD.agreement_id <> NEW.agreement_id "
        f"BEGIN {_sqlite_add('OLD', '-', 'OLD.agreement_id', weights)} "
        f"{_sqlite_add('NEW', '+', 'NEW.agreement_id', weights)} END",
        "CREATE TRIGGER tracker_commitment_figures_delete AFTER DELETE ON tracker_commitment "
        f"BEGIN {_sqlite_add('OLD', '-', 'OLD.agreement_id', weights)} END",
        "CREATE TRIGGER tracker_overdueflag_figures_insert AFTER INSERT ON tracker_overdueflag "
        f"BEGIN {_sqlite_flag('NEW', '+')} END",
        "CREATE TRIGGER tracker_overdueflag_figures_update "
        "AFTER UPDATE OF cleared_at, commitment_id ON tracker_overdueflag "
        f"BEGIN {_sqlite_flag('OLD', '-')} {_sqlite_flag('NEW', '+')} END",
        "CREATE TRIGGER tracker_overdueflag_figures_delete AFTER DELETE ON tracker_overdueflag "
        f"BEGIN {_sqlite_flag('OLD', '-')} END",
    ]


def _sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_figures_{event}"
        for table in ("tracker_commitment", "tracker_overdueflag")
        for event in TRANSITIONS
    ]


def create(apps, schema_editor):
    from tracker.services.stats import stats_refresh

    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _pg_create(STATUS_WEIGHTS) if postgresql else _sqlite_create(STATUS_WEIGHTS):
        schema_editor.execute(sql, params=None)
    # From now on the figures move by deltas: start them from the truth.
    stats_refresh(
        agreement_model=apps.get_model("tracker", "Agreement"),
        commitment_model=apps.get_model("tracker", "Commitment"),
        flag_model=apps.get_model("tracker", "OverdueFlag"),
    )


def drop(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in _pg_drop() if postgresql else _sqlite_drop():
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0014_stored_search_vectors")]

    operations = [migrations.RunPython(create, drop)]
