"""Gapless sequences for references and register numbers."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from beffroi.core.models import Counter
from beffroi.core.tenancy import municipal_name


def counter_next(*, name: str) -> int:
    """The next number of ``name`` in the current municipality; must run
    inside the caller's transaction.

    The UPDATE takes the row lock until the caller commits or rolls back, so
    concurrent callers queue and no number is skipped or repeated.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside a transaction")
    name = municipal_name(name)
    for _ in range(2):
        value = _increment(name)
        if value is not None:
            return value
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, value=1)
            return 1
        except IntegrityError:
            continue  # another transaction created it first: increment theirs
    raise RuntimeError(f"Could not advance counter {name}")


# The ORM cannot return a row's new value from its UPDATE: this is the one
# place that says it in SQL (PostgreSQL, and SQLite 3.35+, know RETURNING),
# so the number is taken and read in one round trip under the row's lock.
# test_counters compares it with the ORM's update-then-read.
_INCREMENT = (
    f"UPDATE {Counter._meta.db_table} SET value = value + 1 WHERE name = %s RETURNING value"  # noqa: S608
)


def _increment(name: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_INCREMENT, [name])
        row = cursor.fetchone()
    return None if row is None else int(row[0])
