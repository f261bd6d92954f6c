"""Open cases per service and status, counted by the database itself.

Triggers on ``cases_case`` add a row of +1 or -1 to ``cases_opencasecount``
whenever a case opens, closes, changes status or changes service (see the
model :class:`~beffroi.cases.models.OpenCaseCount` for why rows are only
added); :func:`open_status_counts` sums them and :func:`open_counts_fold`,
a periodic job, folds them.

On SQLite, a migration that rebuilds ``cases_case`` (Django copies the table
to alter it) drops its triggers: such a migration must call :func:`install`
again. ``test_open_counts`` fails if the triggers are missing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection, transaction

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


def install(execute: Any, vendor: str) -> None:
    """Create the triggers, then count the cases open now.

    In this order on PostgreSQL: creating a trigger locks the table against
    writes until the migration commits, so no case slips between the two.
    """
    if vendor == "postgresql":
        execute(PG_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            execute(statement)
    else:
        raise NotImplementedError(vendor)
    execute("DELETE FROM cases_opencasecount")
    execute(BACKFILL)


def uninstall(execute: Any, vendor: str) -> None:
    for statement in [PG_UNINSTALL] if vendor == "postgresql" else SQLITE_UNINSTALL:
        execute(statement)


_READ = (
    "SELECT status, SUM(delta) FROM cases_opencasecount WHERE service_id = %s"
    " GROUP BY status HAVING SUM(delta) > 0"
)


def open_status_counts(service_id: int) -> dict[str, int]:
    """The service's open cases per status (statuses with none left out)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [service_id])
        return {status: int(total) for status, total in cursor.fetchall()}


_UNFOLDED = (
    "SELECT 1 FROM cases_opencasecount GROUP BY service_id, status HAVING COUNT(*) > 1 LIMIT 1"
)


@transaction.atomic
def open_counts_fold() -> int:
    """Fold the rows of each service and status into one; return rows removed.

    The rows are taken by ``DELETE ... RETURNING``: exactly those deleted are
    summed, so rows that triggers add meanwhile stay as they are, and a fold
    running at the same time on PostgreSQL skips the rows this one took.
    """
    with connection.cursor() as cursor:
        cursor.execute(_UNFOLDED)
        if cursor.fetchone() is None:
            return 0
        cursor.execute("DELETE FROM cases_opencasecount RETURNING service_id, status, delta")
        taken = cursor.fetchall()
        totals: defaultdict[tuple[int, str], int] = defaultdict(int)
        for service_id, status, delta in taken:
            totals[(service_id, status)] += delta
        kept = [(s, status, total) for (s, status), total in totals.items() if total]
        if kept:
            cursor.executemany(
                "INSERT INTO cases_opencasecount (service_id, status, delta) VALUES (%s, %s, %s)",
                kept,
            )
        return len(taken) - len(kept)
