"""Open cases per service and status, counted by triggers (removed by 0008:
the statements are kept here so that the migrations still run in order)."""

from django.db import migrations, models

PG_INSTALL = """
CREATE OR REPLACE FUNCTION cases_open_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.closed_at IS NULL THEN
        INSERT INTO cases_opencasecount (service_id, status, delta)
            VALUES (OLD.service_id, OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.closed_at IS NULL THEN
        INSERT INTO cases_opencasecount (service_id, status, delta)
            VALUES (NEW.service_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_open_count_insert_delete AFTER INSERT OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_open_count();
CREATE TRIGGER cases_open_count_update AFTER UPDATE OF service_id, status, closed_at
    ON cases_case FOR EACH ROW
    -- A change of status, service or opening; an update of anything else
    -- (answers, deadline, assignment) writes no row.
    WHEN (OLD.service_id IS DISTINCT FROM NEW.service_id OR OLD.status IS DISTINCT FROM NEW.status
        OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL))
    EXECUTE FUNCTION cases_open_count();
"""
PG_UNINSTALL = """
DROP TRIGGER IF EXISTS cases_open_count_insert_delete ON cases_case;
DROP TRIGGER IF EXISTS cases_open_count_update ON cases_case;
DROP FUNCTION IF EXISTS cases_open_count();
"""
# Kept apart: the browser tests' flush drops it while it empties the tables
# one by one, in no set order (PostgreSQL truncates, firing no row trigger).
SQLITE_ON_DELETE = """CREATE TRIGGER IF NOT EXISTS cases_open_count_delete
    AFTER DELETE ON cases_case WHEN OLD.closed_at IS NULL
    BEGIN
        INSERT INTO cases_opencasecount (service_id, status, delta)
            VALUES (OLD.service_id, OLD.status, -1);
    END;"""
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS cases_open_count_insert
        AFTER INSERT ON cases_case WHEN NEW.closed_at IS NULL
        BEGIN
            INSERT INTO cases_opencasecount (service_id, status, delta)
                VALUES (NEW.service_id, NEW.status, 1);
        END;""",
    """CREATE TRIGGER IF NOT EXISTS cases_open_count_update
        AFTER UPDATE OF service_id, status, closed_at ON cases_case
        WHEN OLD.service_id IS NOT NEW.service_id OR OLD.status IS NOT NEW.status
            OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL)
        BEGIN
            INSERT INTO cases_opencasecount (service_id, status, delta)
                SELECT OLD.service_id, OLD.status, -1 WHERE OLD.closed_at IS NULL;
            INSERT INTO cases_opencasecount (service_id, status, delta)
                SELECT NEW.service_id, NEW.status, 1 WHERE NEW.closed_at IS NULL;
        END;""",
    SQLITE_ON_DELETE,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS cases_open_count_insert;",
    "DROP TRIGGER IF EXISTS cases_open_count_update;",
    "DROP TRIGGER IF EXISTS cases_open_count_delete;",
]
# The cases open now, as one row per service and status.
BACKFILL = (
    "INSERT INTO cases_opencasecount (service_id, status, delta)"
    " SELECT service_id, status, COUNT(*) FROM cases_case"
    " WHERE closed_at IS NULL GROUP BY service_id, status"
)


def forward(apps, schema_editor):
    execute, vendor = schema_editor.execute, schema_editor.connection.vendor
    for statement in [PG_INSTALL] if vendor == "postgresql" else SQLITE_INSTALL:
        execute(statement)
    execute("DELETE FROM cases_opencasecount")
    execute(BACKFILL)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [PG_UNINSTALL] if vendor == "postgresql" else SQLITE_UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_opinions'),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenCaseCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('service_id', models.BigIntegerField()),
                ('status', models.CharField(max_length=63)),
                ('delta', models.IntegerField()),
            ],
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_service_status',
        ),
        migrations.AddIndex(
            model_name='opencasecount',
            index=models.Index(fields=['service_id', 'status'], name='open_count_service'),
        ),
        migrations.RunPython(forward, backward),
    ]
