"""Full-text search reads stored vectors instead of computing them per row.

Migration 0010 indexed the expression `to_tsvector(...)`: the index finds the matches, but
ranking them (commitments, best match first) and rechecking lossy bitmap pages recomputed the
vector of every match, 0.2 s for a common phrase among 100,000 commitments. Each searched
table now keeps its vector in a generated column, which PostgreSQL computes on every insert
and update, and the GIN index is on that column. Its statistics also let the planner judge how
common a word is.

PostgreSQL only: SQLite, the embedded default, searches with a plain substring match. Adding a
stored column rewrites the table (about a minute for a million pieces of evidence).
"""

from django.db import migrations

TABLES = {
    "tracker_agreement": ("agreement_search", "title", "summary"),
    "tracker_commitment": ("commitment_search", "reference", "title", "description"),
    "tracker_evidence": ("evidence_search", "summary", "quote", "source_title"),
}


def _document(columns) -> str:
    """The same text as `tracker.search.search_vector`: the fields joined by spaces."""
    return " || ' ' || ".join(f"COALESCE({column}::text, '')" for column in columns)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (index, *columns) in TABLES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('english'::regconfig, {_document(columns)})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (index, *columns) in TABLES.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} USING gin "
            f"(to_tsvector('english'::regconfig, {_document(columns)}))"
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0013_evidence_latest_ties")]

    operations = [migrations.RunPython(forwards, backwards)]
