"""Database triggers that keep the journal append-only.

DELETE is always refused. UPDATE is refused too, except the sealer's: on a
row not sealed yet (``hash`` still NULL), it may fill ``prev_hash``,
``hash`` and ``batch_id`` and nothing else. A sealed row never changes.
"""

from __future__ import annotations

from typing import Any

from beffroi.audit.chain import CONTENT_FIELDS

# The sealer may change its own columns (prev_hash, hash, batch_id), never
# the content an event's hash covers.
CONTENT_COLUMNS = CONTENT_FIELDS

_PG_UNCHANGED = "\n        AND ".join(
    f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}" for column in CONTENT_COLUMNS
)
PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL
        AND {_PG_UNCHANGED}
    THEN
        RETURN NEW;
    END IF;
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

_SQLITE_CHANGED = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in CONTENT_COLUMNS)
SQLITE_NO_UPDATE = f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update
    BEFORE UPDATE ON audit_auditevent
    WHEN OLD.hash IS NOT NULL OR {_SQLITE_CHANGED}
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;"""
SQLITE_NO_DELETE = """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;"""
SQLITE_INSTALL = [SQLITE_NO_UPDATE, SQLITE_NO_DELETE]
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


# The function earlier versions locked the chain with (migration 0004),
# dropped by migration 0005.
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
