"""Database triggers that refuse UPDATE and DELETE on the journal."""

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
