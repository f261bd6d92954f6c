"""On PostgreSQL a statement a connection repeats is prepared, so the server
stops planning it (CI's PostgreSQL pass runs this).

Django turns psycopg's preparing off unless the settings name a threshold:
without it every tracking lookup planned its query again, which took longer
than running it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TestCase

from beffroi.core.rows import row_get
from beffroi.municipality.models import Service


def _prepared_on_this_connection(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'%FROM "{table}"%'],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
class PreparedStatementTests(TestCase):
    def test_a_repeated_statement_is_prepared_and_a_rare_one_is_not(self) -> None:
        population = Service.objects.create(code="population", name="Population")
        Service.objects.create(code="etat-civil", name="État civil")
        for _ in range(6):
            assert row_get(Service, population.pk) is not None
        Service.objects.filter(code="etat-civil").values_list("name", flat=True).get()

        prepared = _prepared_on_this_connection(Service._meta.db_table)

        # The sixth read by key ran prepared; the single read by code did not.
        assert any(sql.endswith('WHERE "id" = $1') for sql in prepared), prepared
        assert not any('"code" = $1' in sql for sql in prepared), prepared
