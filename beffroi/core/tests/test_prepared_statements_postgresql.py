"""Prepared statements on PostgreSQL: an option, off by default (CI's
PostgreSQL pass runs this).

With ``DB_PREPARED_STATEMENTS=true`` a statement a connection repeats is
prepared, so the server stops planning it; off by default, because PgBouncer
in transaction mode before 1.21 cannot keep them (docs/operations.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import TestCase

from beffroi.municipality.models import Service

ROOT = Path(__file__).resolve().parents[3]
PREPARED = (
    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%municipality_service%'"
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
class PreparedStatementTests(TestCase):
    def test_nothing_is_prepared_by_default(self) -> None:
        population = Service.objects.create(code="population", name="Population")
        for _ in range(6):
            assert Service.objects.filter(pk=population.pk).exists()
        with connection.cursor() as cursor:
            cursor.execute(PREPARED)
            assert cursor.fetchone() == (0,)

    def test_with_the_option_a_repeated_statement_is_prepared(self) -> None:
        script = (
            "from django.db import connection\n"
            "from beffroi.municipality.models import Service\n"
            "for _ in range(6):\n"
            "    Service.objects.filter(pk=1).exists()\n"
            "with connection.cursor() as cursor:\n"
            f"    cursor.execute({PREPARED!r})\n"
            "    print('prepared', cursor.fetchone()[0])\n"
        )
        settings = connection.settings_dict
        url = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        env = {**os.environ, "DATABASE_URL": url, "DB_PREPARED_STATEMENTS": "true"}
        result = subprocess.run(  # noqa: S603 - our own arguments
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "prepared 1" in result.stdout, result.stdout + result.stderr
