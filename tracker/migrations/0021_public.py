"""Public agreements (issue 22): `is_public`, what stays internal, and `is_restricted`.

An agreement restricted to teams is never public. A check constraint refuses the two together;
`is_restricted` says whether any team restricts the agreement and is kept by the triggers made
here on its teams: a team added makes the agreement restricted and no longer public at once,
whatever wrote the row (the service, the admin, an import, raw SQL); the last team removed
makes it open again (still not public: an editor publishes it again).

On SQLite, adding these NOT NULL columns and the constraint rebuilds `tracker_agreement`,
and SQLite refuses to rename the rebuilt table while the figures' triggers on the commitments
and flags name it: they are dropped first and made again last, as 0019 made them
(`tests/test_embedded_sqlite.py` checks that they still move the figures, and
`tests/test_public_model.py` the teams' triggers there).
"""

from importlib import import_module

from django.db import migrations, models

abandoned = import_module("tracker.migrations.0019_abandoned_scored_at_zero")

PG_TEAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_agreement_teams_restrict() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tracker_agreement SET is_restricted = EXISTS (
            SELECT 1 FROM tracker_agreement_teams t WHERE t.agreement_id = OLD.agreement_id)
        WHERE id = OLD.agreement_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE tracker_agreement SET is_restricted = TRUE, is_public = FALSE
        WHERE id = NEW.agreement_id AND (NOT is_restricted OR is_public);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

PG_CREATE = [
    PG_TEAMS_FUNCTION,
    "CREATE TRIGGER tracker_agreement_teams_restrict AFTER INSERT OR UPDATE OR DELETE "
    "ON tracker_agreement_teams FOR EACH ROW EXECUTE FUNCTION tracker_agreement_teams_restrict()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS tracker_agreement_teams_restrict ON tracker_agreement_teams",
    "DROP FUNCTION IF EXISTS tracker_agreement_teams_restrict()",
]

_SQLITE_RESTRICT = (
    "UPDATE tracker_agreement SET is_restricted = 1, is_public = 0 WHERE id = NEW.agreement_id;"
)
_SQLITE_RECOUNT = (
    "UPDATE tracker_agreement SET is_restricted = EXISTS (SELECT 1 FROM tracker_agreement_teams t"
    " WHERE t.agreement_id = OLD.agreement_id) WHERE id = OLD.agreement_id;"
)
SQLITE_CREATE = [
    "CREATE TRIGGER tracker_agreement_teams_restrict_insert AFTER INSERT ON "
    f"tracker_agreement_teams BEGIN {_SQLITE_RESTRICT} END",
    "CREATE TRIGGER tracker_agreement_teams_restrict_update AFTER UPDATE ON "
    f"tracker_agreement_teams BEGIN {_SQLITE_RECOUNT} {_SQLITE_RESTRICT} END",
    "CREATE TRIGGER tracker_agreement_teams_restrict_delete AFTER DELETE ON "
    f"tracker_agreement_teams BEGIN {_SQLITE_RECOUNT} END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS tracker_agreement_teams_restrict_{event}"
    for event in ("insert", "update", "delete")
]

MARK_RESTRICTED = (
    "UPDATE tracker_agreement SET is_restricted = EXISTS (SELECT 1 FROM tracker_agreement_teams t"
    " WHERE t.agreement_id = tracker_agreement.id)"
)


def _sqlite_figure_triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in abandoned.figure_triggers._sqlite_drop():
            schema_editor.execute(sql, params=None)


def _sqlite_figure_triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in abandoned.figure_triggers._sqlite_create(abandoned.STATUS_WEIGHTS):
            schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in [MARK_RESTRICTED, *(PG_CREATE if postgresql else SQLITE_CREATE)]:
        schema_editor.execute(sql, params=None)
    _sqlite_figure_triggers_create(apps, schema_editor)


def backwards(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in PG_DROP if postgresql else SQLITE_DROP:
        schema_editor.execute(sql, params=None)
    _sqlite_figure_triggers_drop(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0020_pending_events"),
    ]

    operations = [
        migrations.RunPython(_sqlite_figure_triggers_drop, _sqlite_figure_triggers_create),
        migrations.AddField(
            model_name="agreement",
            name="is_public",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Readable without signing in under /public/, with feeds, an embeddable card and the open dataset. Never for an agreement restricted to teams.",
                verbose_name="public",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="is_restricted",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name="agreement",
            name="public_analyst_names",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Unticked, public pages say “an analyst” instead of a name.",
                verbose_name="name analysts on public pages",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="public_milestone_notes",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="publish milestone notes"
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="public_retracted_content",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Unticked, public pages show that evidence was retracted, when and why, but not what it said.",
                verbose_name="publish retracted evidence's content",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="is_public",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Readable without signing in under /public/, with feeds, an embeddable card and the open dataset. Never for an agreement restricted to teams.",
                verbose_name="public",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="public_analyst_names",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Unticked, public pages say “an analyst” instead of a name.",
                verbose_name="name analysts on public pages",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="public_milestone_notes",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="publish milestone notes"
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="public_retracted_content",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Unticked, public pages show that evidence was retracted, when and why, but not what it said.",
                verbose_name="publish retracted evidence's content",
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["-signed_on", "title"],
                name="agreement_public",
            ),
        ),
        migrations.AddIndex(
            model_name="statuschange",
            index=models.Index(fields=["-changed_at", "-id"], name="statuschange_latest"),
        ),
        migrations.AddConstraint(
            model_name="agreement",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_public", False), ("is_restricted", False), _connector="OR"),
                name="agreement_public_never_restricted",
                violation_error_message="An agreement restricted to teams cannot be public.",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
