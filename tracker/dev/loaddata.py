"""Load data for benchmarks: many agreements, commitments, evidence and users, in SQL.

`manage.py generate_load_data` calls `load_data_generate`. Every table is filled by one
`INSERT … SELECT generate_series` statement (evidence in slices, so progress shows), never
the ORM row by row: two thousand agreements, a hundred thousand commitments and a million
pieces of evidence take under two minutes on two cores. The overdue flags then come from the
app's own scan, as in production, and the figures kept on each agreement from the
database's triggers, as each statement writes the rows they count.

Deterministic: every "random" choice is `hashint8extended(row number, seed + salt)`, so
the same arguments (seed and today included) give the same rows. PostgreSQL only.
"""

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from .. import services
from ..models import Agreement, Role

# How each commitment's status is drawn, out of 100: the rest are not started.
_STATUS_SHARES = (
    ("implemented", 35),
    ("abandoned", 5),
    ("in_progress", 20),
    ("partial", 8),
    ("stalled", 7),
)
_THEMES = (
    "intelligence",
    "joint_operations",
    "border",
    "dialogue",
    "trade",
    "community",
    "public_awareness",
    "communications",
)
_VERBS = ("Create", "Establish", "Expand", "Review", "Train", "Publish", "Fund", "Hold")
_OBJECTS = (
    "joint border patrols",
    "communication networks",
    "an intelligence sharing cell",
    "refugee registration desks",
    "a customs working group",
    "community liaison committees",
    "a hotline between commanders",
    "a public awareness campaign",
    "prisoner exchange lists",
    "trade corridor inspections",
)
_SOURCES = ("Dawn", "TOLOnews", "Reuters", "Al Jazeera", "The Express Tribune", "Ariana News")
_MONTHS = (1, 3, 6, 9, 12, 18, 24)
SLICES = 10
# The generated agreements and users, each with its number g (from the slug or username).
_AGREEMENTS = (
    "SELECT id, substring(slug FROM '[0-9]+$')::int AS g, signed_on FROM tracker_agreement "
    "WHERE slug LIKE %(prefix)s || '-%%'"
)
_USERS = (
    "SELECT id, substring(username FROM '[0-9]+$')::int AS g FROM tracker_user "
    "WHERE username LIKE %(prefix)s || '-user%%'"
)
# A commitment's number that does not depend on database ids (agreement g, commitment j),
# for the rows drawn per commitment; `a` is its agreement.
_NUMBER = (
    "(substring(a.slug FROM '[0-9]+$')::bigint * 100000 + substring(c.reference FROM 3)::bigint)"
)


@dataclass(frozen=True)
class LoadSize:
    agreements: int
    commitments_per_agreement: int
    evidence_per_commitment: int
    users: int
    seed: int = 1

    @property
    def commitments(self) -> int:
        return self.agreements * self.commitments_per_agreement

    @property
    def evidence(self) -> int:
        return self.commitments * self.evidence_per_commitment

    @property
    def teams(self) -> int:
        return max(1, self.users // 25)

    @property
    def prefix(self) -> str:
        return f"load{self.seed}"


def load_data_generate(
    size: LoadSize, *, today: date, progress: Callable[[str], None] = print
) -> dict[str, int]:
    """Fill the database with `size`, dated around `today`; return the rows per table."""
    if connection.vendor != "postgresql":
        raise ValueError("Load data needs PostgreSQL: set DATABASE_URL=postgres://…")
    if Agreement.objects.filter(slug__startswith=f"{size.prefix}-").exists():
        raise ValueError(
            f"This database already holds load data with seed {size.seed}: "
            "use another --seed or an empty database."
        )
    params = {"seed": size.seed, "prefix": size.prefix, "today": today, "now": timezone.now()}
    counts: dict[str, int] = {}

    def step(label: str, sql: str, extra: dict | None = None) -> int:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, **(extra or {})})
            rows = cursor.rowcount
        counts[label] = counts.get(label, 0) + rows
        progress(f"{label}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        return rows

    with transaction.atomic():
        _people(step, size)
        _agreements(step, size)
        _commitments(step, size)
        with _indexes_rebuilt_after("tracker_evidence", progress):
            for number in range(SLICES):
                _evidence(step, size, number)
                progress(f"evidence: {100 * (number + 1) // SLICES} % done")
        _status_changes(step)
        _follows(step, size)
    # The app's own scan, as in production.
    started = time.perf_counter()
    run = services.overdue_scan(today=today)
    counts["overdue flags"] = run.flagged
    with connection.cursor() as cursor:
        # As if the scan had run every day: each flag dated the day after its deadline.
        cursor.execute(
            "UPDATE tracker_overdueflag SET flagged_at = (due_on + 1)::timestamp "
            "AT TIME ZONE 'UTC' + interval '6 hours' WHERE flagged_at = %s",
            [run.started_at],
        )
    progress(f"overdue scan: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


@contextmanager
def _indexes_rebuilt_after(table: str, progress: Callable[[str], None]):
    """Drop `table`'s secondary indexes and build them again afterwards, as pg_restore does:
    one sorted build is many times faster than a million insertions into a full-text index.
    In the caller's transaction, so nobody sees the table without them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit; an index cannot be built over rows
        # whose checks are pending, so check them now (every table's, so far).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        progress(f"foreign keys checked in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    progress(f"{table}: {len(indexes)} indexes rebuilt in {time.perf_counter() - started:.1f} s")


def _hash(expression: str, salt: int, modulo: int | str) -> str:
    """SQL for a deterministic pseudo-random integer in [0, modulo)."""
    return f"(abs(hashint8extended(({expression})::bigint, %(seed)s + {salt})) %% {modulo})"


def _pick(values: tuple, expression: str, salt: int) -> str:
    """SQL choosing one of `values` by a hash of `expression`."""
    array = ", ".join(f"'{value}'" for value in values)
    return f"(ARRAY[{array}])[1 + {_hash(expression, salt, len(values))}]"


def _people(step, size: LoadSize) -> None:
    step(
        "parties",
        """
        INSERT INTO tracker_party (name, code, kind)
        SELECT 'Load party ' || %(seed)s || '-' || g, 'L' || %(seed)s || '-P' || g,
               CASE WHEN g %% 6 = 0 THEN 'organisation' ELSE 'state' END
        FROM generate_series(1, 12) g
        """,
    )
    step(
        "teams",
        "INSERT INTO tracker_team (name) SELECT %(prefix)s || ' team ' || g "
        "FROM generate_series(1, %(teams)s) g",
        {"teams": size.teams},
    )
    step(
        "users",
        """
        INSERT INTO tracker_user (password, is_superuser, username, first_name, last_name,
            email, is_staff, is_active, date_joined, calendar_token, digest_enabled,
            digest_scope)
        SELECT '!', false, %(prefix)s || '-user' || g, 'User', g::text,
               %(prefix)s || '-user' || g || '@example.org', false, true, %(now)s,
               md5(%(prefix)s || '-calendar-' || g), true,
               CASE WHEN g %% 100 = 0 THEN 'all' ELSE 'followed' END
        FROM generate_series(1, %(users)s) g
        """,
        {"users": size.users},
    )
    # One in twenty users is an editor, one in ten a viewer, the rest analysts; each is a
    # member of one team.
    step(
        "user roles",
        f"""
        INSERT INTO tracker_user_groups (user_id, group_id)
        SELECT u.id, grp.id FROM ({_USERS}) u
        JOIN auth_group grp ON grp.name = CASE WHEN u.g %% 20 = 0 THEN %(editor)s
                                               WHEN u.g %% 10 = 1 THEN %(viewer)s
                                               ELSE %(analyst)s END
        """,
        {"editor": Role.EDITOR.label, "viewer": Role.VIEWER.label, "analyst": Role.ANALYST.label},
    )
    step(
        "team members",
        f"""
        INSERT INTO tracker_team_members (team_id, user_id)
        SELECT t.id, u.id FROM ({_USERS}) u
        JOIN tracker_team t ON t.name = %(prefix)s || ' team ' || (1 + u.g %% %(teams)s)
        """,
        {"teams": size.teams},
    )


def _agreements(step, size: LoadSize) -> None:
    topic = _pick(_OBJECTS, "g", 1)
    status = (
        f"CASE {_hash('g', 2, 20)} WHEN 0 THEN 'draft' WHEN 1 THEN 'suspended' "
        "WHEN 2 THEN 'terminated' ELSE 'in_force' END"
    )
    step(
        "agreements",
        f"""
        INSERT INTO tracker_agreement (title, slug, signed_on, signed_on_kind, status, summary,
            created_at, updated_at, commitment_count, overdue_count, score_points, scored_count)
        SELECT 'Agreement ' || g || ' on ' || {topic}, %(prefix)s || '-' || g,
               %(today)s::date - 30 - {_hash("g", 3, 1500)}::int, 'signed', {status},
               'Generated agreement ' || g || ' about ' || {topic} || '.',
               %(now)s, %(now)s, 0, 0, 0, 0
        FROM generate_series(1, %(agreements)s) g
        """,
        {"agreements": size.agreements},
    )
    parties = (
        "SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM tracker_party "
        "WHERE name LIKE 'Load party ' || %(seed)s || '-%%'"
    )
    # Two parties per agreement, never the same one twice.
    step(
        "agreement parties",
        f"""
        INSERT INTO tracker_agreement_parties (agreement_id, party_id)
        SELECT a.id, p.id FROM ({_AGREEMENTS}) a
        CROSS JOIN LATERAL (VALUES ({_hash("a.g", 4, 12)})) first (i)
        CROSS JOIN LATERAL (VALUES (first.i), ((first.i + 1 + {_hash("a.g", 5, 11)}) %% 12))
             picked (i)
        JOIN ({parties}) p ON p.i = picked.i
        """,
    )
    # One agreement in ten is restricted to one team.
    step(
        "restricted agreements",
        f"""
        INSERT INTO tracker_agreement_teams (agreement_id, team_id)
        SELECT a.id, t.id FROM ({_AGREEMENTS}) a
        JOIN tracker_team t ON t.name = %(prefix)s || ' team ' || (1 + a.g %% %(teams)s)
        WHERE a.g %% 10 = 0
        """,
        {"teams": size.teams},
    )
    step(
        "milestones",
        f"""
        INSERT INTO tracker_milestone (agreement_id, kind, name, date, date_is_estimate, note)
        SELECT a.id, 'signing', 'Signing', a.signed_on, false, '' FROM ({_AGREEMENTS}) a
        """,
    )


def _commitments(step, size: LoadSize) -> None:
    key = "(a.g * 100000 + j)"
    months = _pick(tuple(str(m) for m in _MONTHS), key, 10)
    shares, upper = [], 0
    for status, share in _STATUS_SHARES:
        upper += share
        shares.append(f"WHEN {_hash(key, 11, 100)} < {upper} THEN '{status}'")
    status = f"CASE {' '.join(shares)} ELSE 'not_started' END"
    ongoing = f"{_hash(key, 12, 20)} = 0"
    step(
        "commitments",
        f"""
        INSERT INTO tracker_commitment (agreement_id, reference, sort_key, title, description,
            theme, timeline_wording, deadline_milestone_id, due_on, original_due_on, status,
            priority, is_disputed, version, created_at, updated_at, is_verifiable)
        SELECT a.id, 'C.' || j, 'C.' || lpad(j::text, 8, '0'),
               {_pick(_VERBS, key, 13)} || ' ' || {_pick(_OBJECTS, key, 14)} || ' ' || j,
               'Generated commitment ' || j || ' of agreement ' || a.g || '.',
               {_pick(_THEMES, key, 15)},
               CASE WHEN {ongoing} THEN 'ongoing' ELSE 'within ' || m.months || ' months' END,
               ms.id, m.due_on, m.due_on,
               {status}, {_pick(("high", "medium", "low"), key, 16)},
               {_hash(key, 17, 50)} = 0, 1, %(now)s, %(now)s,
               NOT ({ongoing})  -- "ongoing", no criterion: not verifiable (issue 21)
        FROM ({_AGREEMENTS}) a
        JOIN tracker_milestone ms ON ms.agreement_id = a.id AND ms.kind = 'signing'
        CROSS JOIN generate_series(1, %(per)s) j
        CROSS JOIN LATERAL (SELECT {months}::int AS months) picked
        CROSS JOIN LATERAL (
            SELECT picked.months,
                   CASE WHEN {ongoing} THEN NULL
                        ELSE (a.signed_on + make_interval(months => picked.months))::date
                   END AS due_on
        ) m
        """,
        {"per": size.commitments_per_agreement},
    )
    # Each commitment binds the first party of its agreement, one in three both.
    step(
        "responsible parties",
        f"""
        INSERT INTO tracker_commitment_responsible_parties (commitment_id, party_id)
        SELECT c.id, ap.party_id FROM tracker_commitment c
        JOIN tracker_agreement a ON a.id = c.agreement_id AND a.slug LIKE %(prefix)s || '-%%'
        JOIN LATERAL (
            SELECT party_id, row_number() OVER (ORDER BY id) AS n
            FROM tracker_agreement_parties WHERE agreement_id = a.id
        ) ap ON ap.n = 1 OR {_hash(_NUMBER, 18, 3)} = 0
        """,
    )
    # Each responsible party's obligation, at its commitment's status (as migration 0025
    # made them), so that the per-party scores and the overdue page see every party.
    step(
        "obligations",
        """
        INSERT INTO tracker_obligation (commitment_id, party_id, status, version, updated_at)
        SELECT r.commitment_id, r.party_id, c.status, 1, c.updated_at
        FROM tracker_commitment_responsible_parties r
        JOIN tracker_commitment c ON c.id = r.commitment_id
        JOIN tracker_agreement a ON a.id = c.agreement_id AND a.slug LIKE %(prefix)s || '-%%'
        """,
    )


def _evidence(step, size: LoadSize, number: int) -> None:
    """One slice of the evidence: the commitments whose id falls in slice `number`."""
    if not size.evidence_per_commitment:
        return
    # Each row's key and dates once (MATERIALIZED: the planner would otherwise repeat the
    # expressions in every hash), then the columns drawn from the key.
    step(
        "evidence",
        f"""
        WITH base AS MATERIALIZED (
            SELECT c.id, c.reference, k, {_NUMBER} AS n, {_NUMBER} * 1000 + k AS key, ms.date
            FROM tracker_commitment c
            JOIN tracker_agreement a ON a.id = c.agreement_id AND a.slug LIKE %(prefix)s || '-%%'
            JOIN tracker_milestone ms ON ms.id = c.deadline_milestone_id
            CROSS JOIN generate_series(1, %(per)s) k
            WHERE c.id %% {SLICES} = {number}
        ), drawn AS MATERIALIZED (
            SELECT base.*,
                   date + {_hash("key", 27, "GREATEST(%(today)s::date - date, 1)")}::int AS day,
                   {_pick(_SOURCES, "key", 20)} AS source,
                   {_hash("key", 26, 100)} = 0 AS retracted
            FROM base
        )
        INSERT INTO tracker_evidence (commitment_id, summary, occurred_on, source_url,
            source_publisher, source_title, source_date, quote, attachment, attachment_name,
            stance, claimed_by_id, reliability, credibility, logged_by_id, logged_at,
            retracted_at, retraction_reason)
        SELECT id,
               source || ' reports ' ||
                   {_pick(("progress on", "delays to", "talks about", "a setback for"), "key", 21)}
                   || ' ' || {_pick(_OBJECTS, "key", 22)} || ' (item ' || k || ').',
               day, 'https://news.example.org/' || n || '/' || k,
               source, 'Report ' || k || ' on ' || reference, day,
               '', '', '', {_pick(("progress", "setback", "context"), "key", 23)}, NULL,
               {_pick(("A", "B", "C", "D", "E", "F"), "key", 24)}, 1 + {_hash("key", 25, 6)},
               u.ids[1 + {_hash("key", 28, size.users)}],
               day::timestamp AT TIME ZONE 'UTC'
                   + make_interval(secs => {_hash("key", 29, 86400)}::int),
               CASE WHEN retracted THEN %(now)s END,
               CASE WHEN retracted THEN 'Generated retraction.' ELSE '' END
        FROM drawn
        CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM ({_USERS}) users) u
        """,
        {"per": size.evidence_per_commitment},
    )


def _status_changes(step) -> None:
    """Each commitment that moved has one change from "not started", dated after signing,
    so that the score-over-time chart has a history."""
    step(
        "status changes",
        f"""
        INSERT INTO tracker_statuschange (commitment_id, from_status, to_status, reason,
                                          changed_at, changed_by_id, evidence_id)
        SELECT c.id, 'not_started', c.status, 'Generated status change.',
               LEAST(%(now)s, ms.date::timestamp AT TIME ZONE 'UTC'
                              + make_interval(days => {_hash(_NUMBER, 30, 700)}::int)),
               NULL, NULL
        FROM tracker_commitment c
        JOIN tracker_milestone ms ON ms.id = c.deadline_milestone_id
        JOIN tracker_agreement a ON a.id = c.agreement_id AND a.slug LIKE %(prefix)s || '-%%'
        WHERE c.status <> 'not_started'
        """,
    )


def _follows(step, size: LoadSize) -> None:
    """Each user follows five agreements; all but one user in a hundred get digests of only
    those, the others of every agreement they may see."""
    step(
        "followed agreements",
        f"""
        INSERT INTO tracker_user_followed_agreements (user_id, agreement_id)
        SELECT DISTINCT u.id, a.id
        FROM ({_USERS}) u
        CROSS JOIN generate_series(1, 5) n
        JOIN tracker_agreement a
          ON a.slug = %(prefix)s || '-' || (1 + {_hash("u.g * 10 + n", 40, size.agreements)})
        """,
    )
