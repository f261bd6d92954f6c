"""PostgreSQL row-level security: the backstop of the application's scoping.

Every table of municipal data (a ``municipality_id`` column) gets one policy
that lets a row through only when it belongs to the municipality the
transaction named (``beffroi.core.tenancy.municipality_scope`` sets
``beffroi.municipality`` with ``SET LOCAL`` semantics). FORCE makes the
tables' owner obey it too; only superusers and BYPASSRLS roles do not, which
is why the application connects as a role that is neither
(``DATABASE_APP_ROLE``, docs/operations.md).

The tables are found, never listed: a model gaining ``municipality_field()``
is covered at the next ``migrate``. SQLite (the demo) has no row-level
security and relies on the application's scoping alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from beffroi.core.tenancy import RLS_SETTING

POLICY_NAME = "beffroi_municipality"
TENANT_COLUMN = "municipality_id"
# The municipality itself and its host names are the directory every
# request reads before it knows its municipality: never tenant tables.
NOT_TENANT_MODELS = frozenset({"municipality.municipality", "municipality.municipalityhost"})

# An empty setting (after a scope ended, or never set) matches no row.
POLICY_CONDITION = f"{TENANT_COLUMN} = NULLIF(current_setting('{RLS_SETTING}', true), '')::bigint"

# One query for every tenant table's state, so a ``migrate`` with nothing
# to do costs one round trip whatever the number of tables.
STATE_QUERY = """
SELECT c.relname,
       c.relrowsecurity,
       c.relforcerowsecurity,
       EXISTS (
           SELECT 1 FROM pg_policies p
           WHERE p.schemaname = n.nspname AND p.tablename = c.relname AND p.policyname = %s
       ),
       pg_has_role(current_user, c.relowner, 'USAGE')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
  AND c.relkind IN ('r', 'p')
  AND c.relname = ANY(%s)
"""


@dataclass(frozen=True)
class TableState:
    table: str
    enabled: bool
    forced: bool
    policy: bool
    owned_by_current_role: bool

    @property
    def protected(self) -> bool:
        return self.enabled and self.forced and self.policy


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model with a ``municipality_id`` column of its own."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in NOT_TENANT_MODELS:
            continue
        if any(field.column == TENANT_COLUMN for field in meta.local_concrete_fields):
            found.append(model)
    return found


def tenant_tables() -> list[str]:
    return sorted({model._meta.db_table for model in tenant_models()})


def rls_applies(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def table_states(connection: BaseDatabaseWrapper) -> list[TableState]:
    """The tenant tables that exist, with their row-level security."""
    with connection.cursor() as cursor:
        cursor.execute(STATE_QUERY, [POLICY_NAME, tenant_tables()])
        rows = cursor.fetchall()
    return sorted((TableState(*row) for row in rows), key=lambda state: state.table)


def rls_install(connection: BaseDatabaseWrapper) -> list[str]:
    """Protect every tenant table that is not yet, grant the application
    role its rights; returns the statements run. Runs as the tables' owner
    (``migrate``); does nothing on SQLite nor for tables not created yet."""
    if not rls_applies(connection):
        return []
    quote = connection.ops.quote_name
    statements: list[str] = []
    for state in table_states(connection):
        table = quote(state.table)
        if not state.enabled:
            statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        if not state.forced:
            statements.append(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        if not state.policy:
            statements.append(
                f"CREATE POLICY {quote(POLICY_NAME)} ON {table} FOR ALL "
                f"USING ({POLICY_CONDITION}) WITH CHECK ({POLICY_CONDITION})"
            )
    statements.extend(_grants(connection))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return statements


def _grants(connection: BaseDatabaseWrapper) -> list[str]:
    role = settings.DATABASE_APP_ROLE
    if not role:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [role]
        )
        schema, exists = cursor.fetchone()
    if not exists:
        raise ImproperlyConfigured(
            f"DATABASE_APP_ROLE names the role {role!r}, which does not exist: create it first "
            "(docs/operations.md, « Keeping municipalities apart on PostgreSQL »)."
        )
    quote = connection.ops.quote_name
    return [
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} "
        f"TO {quote(role)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}",
    ]


@dataclass(frozen=True)
class RoleState:
    name: str
    superuser: bool
    bypassrls: bool


def current_role(connection: BaseDatabaseWrapper) -> RoleState:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        row = cursor.fetchone()
    return RoleState(*row)


def post_migrate_install(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: every app's migrations have run by then."""
    rls_install(connections[using])
