"""Database triggers that refuse UPDATE and DELETE on the journal, and on
PostgreSQL the function that finds the end of the chain."""

from __future__ import annotations

from typing import Any

PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
PG_UNINSTALL = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
SQLITE_NO_DELETE = """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;"""
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;""",
    SQLITE_NO_DELETE,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]


def install(execute: Any, vendor: str) -> None:
    if vendor == "postgresql":
        execute(PG_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            execute(statement)


def uninstall(execute: Any, vendor: str) -> None:
    if vendor == "postgresql":
        execute(PG_UNINSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            execute(statement)


# Every write of the application appends to the journal: taking the chain's
# lock and reading its last event in one round trip instead of two. The
# function is VOLATILE, so its SELECT takes its own snapshot after the lock
# is granted and sees the event the previous holder committed.
PG_CHAIN_END_INSTALL = """
CREATE OR REPLACE FUNCTION audit_chain_end(lock_key bigint)
RETURNS TABLE (last_position bigint, last_hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.position::bigint, e.hash::varchar
        FROM audit_auditevent e ORDER BY e.position DESC LIMIT 1;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
PG_CHAIN_END_UNINSTALL = "DROP FUNCTION IF EXISTS audit_chain_end(bigint);"
