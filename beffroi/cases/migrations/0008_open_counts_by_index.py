"""The inbox counts a service's open cases per status with a partial index:
no trigger that a table rebuild could drop (docs/dangerous-constructs.md)."""

from django.db import migrations, models

PG_UNINSTALL = """
DROP TRIGGER IF EXISTS cases_open_count_insert_delete ON cases_case;
DROP TRIGGER IF EXISTS cases_open_count_update ON cases_case;
DROP FUNCTION IF EXISTS cases_open_count();
"""
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS cases_open_count_insert;",
    "DROP TRIGGER IF EXISTS cases_open_count_update;",
    "DROP TRIGGER IF EXISTS cases_open_count_delete;",
]


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [PG_UNINSTALL] if vendor == "postgresql" else SQLITE_UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_open_case_counts"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="OpenCaseCount"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["service", "status"],
                name="case_open_service_status",
            ),
        ),
    ]
