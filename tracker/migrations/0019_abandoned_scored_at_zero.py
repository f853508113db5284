"""An abandoned commitment counts in the score, at 0 points (issue 18).

Until now an abandoned commitment left the score's denominator, so abandoning commitments not
started raised the score: reneging read as progress. In the Peace Accords Matrix a provision
not implemented stays at 0. Now every commitment is scored and an abandoned one weighs 0, so
`scored_count` equals `commitment_count` and `score_points` is unchanged (abandoned ones had
no points before either).

The figures' triggers (migration 0015) froze the old weights: they are made again here with
these, on PostgreSQL and SQLite alike, by the builders of 0015, and the figures recounted.
"""

from importlib import import_module

from django.db import migrations

figure_triggers = import_module("tracker.migrations.0015_figure_triggers")

# tracker.models.commitments.STATUS_WEIGHTS when this was written.
STATUS_WEIGHTS = {
    "not_started": 0,
    "in_progress": 1,
    "stalled": 1,
    "partial": 2,
    "implemented": 3,
    "abandoned": 0,
}


def _replace_triggers(schema_editor, weights: dict) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        statements = [*figure_triggers._pg_drop(), *figure_triggers._pg_create(weights)]
    else:
        statements = [*figure_triggers._sqlite_drop(), *figure_triggers._sqlite_create(weights)]
    for sql in statements:
        schema_editor.execute(sql, params=None)


def _recount_scored(schema_editor, left_out: list[str]) -> None:
    """Count each agreement's scored commitments afresh: those whose status is not left out.
    The points need no recount: the statuses that change side weigh 0 either way."""
    kept = f"AND c.status NOT IN ({', '.join(['%s'] * len(left_out))})" if left_out else ""
    schema_editor.execute(
        "UPDATE tracker_agreement SET scored_count = ("
        "SELECT count(*) FROM tracker_commitment c WHERE c.agreement_id = tracker_agreement.id "
        f"{kept})",
        params=left_out,
    )


def forwards(apps, schema_editor):
    _replace_triggers(schema_editor, STATUS_WEIGHTS)
    _recount_scored(schema_editor, left_out=[])


def backwards(apps, schema_editor):
    _replace_triggers(schema_editor, figure_triggers.STATUS_WEIGHTS)
    _recount_scored(schema_editor, left_out=["abandoned"])


class Migration(migrations.Migration):
    dependencies = [("tracker", "0018_text_limits_and_whole_history_reasons")]

    operations = [migrations.RunPython(forwards, backwards)]
