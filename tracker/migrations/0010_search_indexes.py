"""GIN indexes for full-text search, on exactly the vectors `tracker.search` matches against,
so that a search over a million pieces of evidence reads the index, not every row.

PostgreSQL only: SQLite, the embedded default, searches with a plain substring match.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEXES = {
    "Agreement": "agreement_search",
    "Commitment": "commitment_search",
    "Evidence": "evidence_search",
}
KINDS = {"Agreement": "agreements", "Commitment": "commitments", "Evidence": "evidence"}


def _index(model_name: str) -> GinIndex:
    from tracker.search import search_vector

    return GinIndex(search_vector(KINDS[model_name]), name=INDEXES[model_name])


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in INDEXES:
        schema_editor.add_index(apps.get_model("tracker", model_name), _index(model_name))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in INDEXES:
        schema_editor.remove_index(apps.get_model("tracker", model_name), _index(model_name))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0009_agreement_kept_figures")]

    operations = [migrations.RunPython(create, drop)]
