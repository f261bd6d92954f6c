"""Show how row-level security protects each municipal table (PostgreSQL).

Run it with the application's DATABASE_URL to see what the application's
role may bypass, with the owner's to see what ``migrate`` installed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from beffroi.core import rls


class Command(BaseCommand):
    help = (
        "Shows, per municipal table, whether row-level security is on, forced and has its policy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        connection = connections[database]
        if not rls.rls_applies(connection):
            raise CommandError(
                f"The database {database!r} is not PostgreSQL: no row-level security, the "
                "application's scoping alone keeps municipalities apart."
            )
        states = {state.table: state for state in rls.table_states(connection)}
        missing = 0
        for table in rls.tenant_tables():
            state = states.get(table)
            if state is None:
                self.stdout.write(f"{table}: not created (migrate)")
                missing += 1
                continue
            parts = [
                f"enabled={'yes' if state.enabled else 'NO'}",
                f"forced={'yes' if state.forced else 'NO'}",
                f"policy={'yes' if state.policy else 'NO'}",
            ]
            if not state.protected:
                missing += 1
            self.stdout.write(f"{table}: {' '.join(parts)}")
        role = rls.current_role(connection)
        owner = any(state.owned_by_current_role for state in states.values())
        self.stdout.write(
            f"role {role.name}: superuser={'YES' if role.superuser else 'no'} "
            f"bypassrls={'YES' if role.bypassrls else 'no'} "
            f"owner={'YES' if owner else 'no'}"
        )
        verdict = "protected" if not missing else f"{missing} table(s) NOT protected"
        if role.superuser or role.bypassrls or owner:
            verdict += "; this role is not held by row-level security"
        self.stdout.write(verdict)
