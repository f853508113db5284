"""Completion criteria, "not verifiable" commitments and the score rule per agreement
(issue 21).

A commitment with neither a deadline nor a completion criterion cannot be checked: it is left
out of the scores. `Commitment.is_verifiable` says so (written by
`services.commitments_refresh_verifiable` alone), and the figures' triggers now read it:
`scored_count`, `score_points` and the new `g7_points` (the sum of the G7/G20 Research
Group's -1 / 0 / +1) count only verifiable commitments, while `commitment_count` counts them
all. The triggers are made again here with builders that take the figures as a list (those
of 0015 have four, fixed), dropped first on SQLite, where adding these columns rebuilds the
commitment and agreement tables, and the figures recounted.

The weights are frozen here; new ones need a migration that makes the triggers again with
these builders and its own frozen weights, as this one does.
"""

from importlib import import_module

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

figure_triggers = import_module("tracker.migrations.0015_figure_triggers")
abandoned = import_module("tracker.migrations.0019_abandoned_scored_at_zero")
public = import_module("tracker.migrations.0021_public")

MOVE_LOCK_KEY = figure_triggers.MOVE_LOCK_KEY
# tracker.models.commitments.STATUS_WEIGHTS and G7_WEIGHTS when this was written.
PAM_WEIGHTS = abandoned.STATUS_WEIGHTS
G7_WEIGHTS = {
    "not_started": -1,
    "in_progress": 0,
    "stalled": -1,
    "partial": 0,
    "implemented": 1,
    "abandoned": -1,
}
# The kept figures in the order the triggers pass them; overdue is counted from the flags.
FIGURES = ("commitment_count", "scored_count", "score_points", "g7_points", "overdue_count")


def _weighted(row: str, weights: dict) -> str:
    cases = " ".join(f"WHEN '{status}' THEN {weight}" for status, weight in weights.items())
    return f"(CASE {row}.status {cases} ELSE 0 END)"


def commitment_figures(row: str, pam: dict, g7: dict) -> dict[str, str]:
    """SQL per figure but overdue: what commitment `row` adds to its agreement's figures."""
    verifiable = f"(CASE WHEN {row}.is_verifiable THEN 1 ELSE 0 END)"
    return {
        "commitment_count": "1",
        "scored_count": verifiable,
        "score_points": f"({verifiable} * {_weighted(row, pam)})",
        "g7_points": f"({verifiable} * {_weighted(row, g7)})",
    }


# ------------------------------------------------------------------------------------------
# PostgreSQL

# The arrays are named apart from the columns, which PL/pgSQL would confuse them with.
_ARGS = ", ".join(f"delta_{figure} bigint[]" for figure in FIGURES)
PG_ADD = f"""
CREATE FUNCTION tracker_figures_add(ids bigint[], {_ARGS}) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        RETURN;
    END IF;
    -- FOR NO KEY UPDATE is the lock the update takes anyway, taken earlier and in id order.
    PERFORM 1 FROM tracker_agreement WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE tracker_agreement a
    SET {", ".join(f"{figure} = a.{figure} + d.{figure}" for figure in FIGURES)}
    FROM unnest(ids, {", ".join(f"delta_{figure}" for figure in FIGURES)}) AS d (id, {", ".join(FIGURES)})
    WHERE a.id = d.id;
END $$
"""
PG_ADD_DROP = "DROP FUNCTION IF EXISTS tracker_figures_add(" + ", ".join(
    ["bigint[]"] * (1 + len(FIGURES))
) + ")"

PG_APPLY = (
    """
    PERFORM tracker_figures_add(
        array_agg(agreement_id ORDER BY agreement_id), """
    + ", ".join(f"array_agg({figure} ORDER BY agreement_id)" for figure in FIGURES)
    + """
    )
    FROM (
        SELECT agreement_id, """
    + ", ".join(f"sum({figure})::bigint AS {figure}" for figure in FIGURES)
    + """
        FROM ({changes}) AS changes
        GROUP BY agreement_id
        HAVING """
    + " OR ".join(f"sum({figure}) <> 0" for figure in FIGURES)
    + """
    ) AS deltas;
    RETURN NULL;
"""
)

# Only rows whose status, agreement or verifiability changed can move a figure.
_PG_CHANGED_COMMITMENTS = (
    "FROM old_rows o JOIN new_rows n USING (id) "
    "WHERE o.status <> n.status OR o.agreement_id <> n.agreement_id "
    "OR o.is_verifiable <> n.is_verifiable"
)


def _apply(changes: str) -> str:
    # str.replace, not format: the SQL has braces of its own in no place, but stay literal.
    return PG_APPLY.replace("{changes}", changes)


def _pg_commitment_functions(pam: dict, g7: dict) -> list[str]:
    def figures(row: str, sign: str, overdue: str) -> str:
        values = commitment_figures(row, pam, g7)
        columns = ", ".join(f"{sign}{values[figure]} AS {figure}" for figure in FIGURES[:-1])
        return f"SELECT {row}.agreement_id, {columns}, {sign}({overdue}) AS overdue_count"

    open_flags = figure_triggers._open_flags
    moved = "CASE WHEN o.agreement_id <> n.agreement_id THEN {} ELSE 0 END"
    return [
        figure_triggers.PG_COMMITMENT_INSERT.format(
            apply=_apply(
                figures("n", "", f"CASE WHEN flagged THEN {open_flags('n.id')} ELSE 0 END")
                + " FROM new_rows n"
            )
        ),
        figure_triggers.PG_COMMITMENT_DELETE.format(
            key=MOVE_LOCK_KEY,
            apply=_apply(
                figures("o", "-", f"CASE WHEN flagged THEN {open_flags('o.id')} ELSE 0 END")
                + " FROM old_rows o"
            ),
        ),
        figure_triggers.PG_COMMITMENT_UPDATE.format(
            key=MOVE_LOCK_KEY,
            apply=_apply(
                f"{figures('n', '', moved.format(open_flags('n.id')))} {_PG_CHANGED_COMMITMENTS}"
                " UNION ALL "
                f"{figures('o', '-', moved.format(open_flags('o.id')))} {_PG_CHANGED_COMMITMENTS}"
            ),
        ),
    ]


def _pg_flag_functions() -> list[str]:
    def changes(rows: str, sign: str) -> str:
        return (
            f"SELECT commitment_id, {sign}(CASE WHEN cleared_at IS NULL THEN 1 ELSE 0 END) "
            f"AS overdue FROM {rows}"
        )

    zeros = ", ".join(f"0 AS {figure}" for figure in FIGURES[:-1])

    def apply(flags: str) -> str:
        return _apply(
            f"SELECT c.agreement_id, {zeros}, f.overdue AS overdue_count FROM ({flags}) AS f "
            "JOIN tracker_commitment c ON c.id = f.commitment_id"
        )

    events = {
        "insert": ("SELECT 1 FROM new_rows WHERE cleared_at IS NULL", changes("new_rows", "")),
        "update": (
            "SELECT 1 FROM old_rows WHERE cleared_at IS NULL "
            "UNION ALL SELECT 1 FROM new_rows WHERE cleared_at IS NULL",
            f"{changes('old_rows', '-')} UNION ALL {changes('new_rows', '')}",
        ),
        "delete": ("SELECT 1 FROM old_rows WHERE cleared_at IS NULL", changes("old_rows", "-")),
    }
    return [
        figure_triggers.PG_FLAG_FUNCTION.format(
            event=event, open_rows=open_rows, key=MOVE_LOCK_KEY, apply=apply(flags)
        )
        for event, (open_rows, flags) in events.items()
    ]


def pg_create(pam: dict, g7: dict) -> list[str]:
    return [
        PG_ADD,
        *_pg_commitment_functions(pam, g7),
        *_pg_flag_functions(),
        *(
            figure_triggers.PG_TRIGGER.format(table=table, event=event, transition=transition)
            for table in ("tracker_commitment", "tracker_overdueflag")
            for event, transition in figure_triggers.TRANSITIONS.items()
        ),
    ]


def pg_drop() -> list[str]:
    return [*figure_triggers._pg_drop()[:-1], PG_ADD_DROP]


# ------------------------------------------------------------------------------------------
# SQLite: the same, a row at a time.


def _sqlite_add(row: str, sign: str, agreement: str, pam: dict, g7: dict) -> str:
    values = commitment_figures(row, pam, g7)
    assignments = ", ".join(
        f"{figure} = {figure} {sign} {values[figure]}" for figure in FIGURES[:-1]
    )
    return (
        f"UPDATE tracker_agreement SET {assignments}, "
        f"overdue_count = overdue_count {sign} {figure_triggers._open_flags(f'{row}.id')} "
        f"WHERE id = {agreement};"
    )


def sqlite_create(pam: dict, g7: dict) -> list[str]:
    flag = figure_triggers._sqlite_flag
    return [
        "CREATE TRIGGER tracker_commitment_figures_insert AFTER INSERT ON tracker_commitment "
        f"BEGIN {_sqlite_add('NEW', '+', 'NEW.agreement_id', pam, g7)} END",
        # Old figures away first: each step keeps every count at zero or more.
        "CREATE TRIGGER tracker_commitment_figures_update "
        "AFTER UPDATE OF status, agreement_id, is_verifiable ON tracker_commitment "
        "WHEN OLD.status <> NEW.status OR OLD.agreement_id <> NEW.agreement_id "
        "OR OLD.is_verifiable <> NEW.is_verifiable "
        f"BEGIN {_sqlite_add('OLD', '-', 'OLD.agreement_id', pam, g7)} "
        f"{_sqlite_add('NEW', '+', 'NEW.agreement_id', pam, g7)} END",
        "CREATE TRIGGER tracker_commitment_figures_delete AFTER DELETE ON tracker_commitment "
        f"BEGIN {_sqlite_add('OLD', '-', 'OLD.agreement_id', pam, g7)} END",
        "CREATE TRIGGER tracker_overdueflag_figures_insert AFTER INSERT ON tracker_overdueflag "
        f"BEGIN {flag('NEW', '+')} END",
        "CREATE TRIGGER tracker_overdueflag_figures_update "
        "AFTER UPDATE OF cleared_at, commitment_id ON tracker_overdueflag "
        f"BEGIN {flag('OLD', '-')} {flag('NEW', '+')} END",
        "CREATE TRIGGER tracker_overdueflag_figures_delete AFTER DELETE ON tracker_overdueflag "
        f"BEGIN {flag('OLD', '-')} END",
    ]


def _run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


# On SQLite the teams' triggers (0021) name tracker_agreement too, and SQLite refuses to
# rename a rebuilt table that a trigger names: they are dropped with the figures' and made
# again at the end.


def drop_old_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, figure_triggers._pg_drop())
    else:
        _run(schema_editor, [*figure_triggers._sqlite_drop(), *public.SQLITE_DROP])


def create_old_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, figure_triggers._pg_create(PAM_WEIGHTS))
    else:
        _run(schema_editor, [*figure_triggers._sqlite_create(PAM_WEIGHTS), *public.SQLITE_CREATE])


def create_triggers(apps, schema_editor):
    from tracker.services.stats import stats_refresh

    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, pg_create(PAM_WEIGHTS, G7_WEIGHTS))
    else:
        _run(schema_editor, [*sqlite_create(PAM_WEIGHTS, G7_WEIGHTS), *public.SQLITE_CREATE])
    # Every commitment is verifiable until a service says otherwise; a commitment without a
    # deadline or a criterion is marked here once, then the figures start from a recount.
    schema_editor.execute(
        "UPDATE tracker_commitment SET is_verifiable = (due_on IS NOT NULL "
        "OR timeline_kind = 'recurring' OR (due_on IS NULL AND timeline_kind IN "
        "('offset', 'prompt') AND deadline_milestone_id IN "
        "(SELECT id FROM tracker_milestone WHERE date IS NULL)))",
        params=None,
    )
    stats_refresh(
        agreement_model=apps.get_model("tracker", "Agreement"),
        commitment_model=apps.get_model("tracker", "Commitment"),
        flag_model=apps.get_model("tracker", "OverdueFlag"),
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, pg_drop())
    else:
        _run(schema_editor, [*figure_triggers._sqlite_drop(), *public.SQLITE_DROP])


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0025_obligations'),
    ]

    operations = [
        migrations.RunPython(drop_old_triggers, create_old_triggers),
        migrations.AddField(
            model_name='agreement',
            name='g7_points',
            field=models.IntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name='agreement',
            name='score_rule',
            field=models.CharField(choices=[('pam', 'Peace Accords Matrix (0–3, in percent)'), ('g7', 'G7/G20 Research Group (−1 / 0 / +1)')], db_default='pam', default='pam', help_text='How the score is computed from the statuses of the verifiable commitments.', max_length=8, verbose_name='score rule'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='is_verifiable',
            field=models.BooleanField(db_default=True, default=True, editable=False),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='score_rule',
            field=models.CharField(choices=[('pam', 'Peace Accords Matrix (0–3, in percent)'), ('g7', 'G7/G20 Research Group (−1 / 0 / +1)')], db_default='pam', default='pam', help_text='How the score is computed from the statuses of the verifiable commitments.', max_length=8, verbose_name='score rule'),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='is_verifiable',
            field=models.BooleanField(db_default=True, default=True, editable=False),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='unmet_criteria_reason',
            field=models.TextField(blank=True, db_default='', default='', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), django.core.validators.ProhibitNullCharactersValidator()]),
        ),
        migrations.CreateModel(
            name='HistoricalCriterion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(max_length=500, validators=[django.core.validators.MaxLengthValidator(500), django.core.validators.ProhibitNullCharactersValidator()], verbose_name='criterion')),
                ('position', models.PositiveIntegerField(default=0)),
                ('met_on', models.DateField(blank=True, null=True, verbose_name='met on')),
                ('recorded_at', models.DateTimeField()),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('commitment', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.commitment')),
                ('evidence', models.ForeignKey(blank=True, db_constraint=False, help_text="The evidence that shows it met: this commitment's, not retracted.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.evidence')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical criterion',
                'verbose_name_plural': 'historical criteria',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(max_length=500, validators=[django.core.validators.MaxLengthValidator(500), django.core.validators.ProhibitNullCharactersValidator()], verbose_name='criterion')),
                ('position', models.PositiveIntegerField(default=0)),
                ('met_on', models.DateField(blank=True, null=True, verbose_name='met on')),
                ('recorded_at', models.DateTimeField()),
                ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='tracker.commitment')),
                ('evidence', models.ForeignKey(blank=True, help_text="The evidence that shows it met: this commitment's, not retracted.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='criteria_met', to='tracker.evidence')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'criteria',
                'ordering': ['commitment', 'position', 'id'],
                'indexes': [models.Index(fields=['commitment', 'position'], name='criterion_order')],
                'constraints': [models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='criterion_has_text'), models.CheckConstraint(condition=models.Q(('evidence__isnull', True), ('met_on__isnull', False), _connector='OR'), name='criterion_evidence_only_when_met')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
