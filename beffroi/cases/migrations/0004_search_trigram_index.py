"""On PostgreSQL, a trigram index makes the agents' search by name fast.

pg_trgm ships with PostgreSQL; creating the extension needs the right to do
so (see docs/operations.md). Without it the search still works, slower.
"""

from django.db import migrations, transaction


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no right to create extensions: keep the plain search
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_search_trgm ON cases_case "
        "USING gin (search_text gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_open_status_index")]

    operations = [migrations.RunPython(forward, backward)]
