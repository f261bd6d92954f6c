"""Gapless sequences for references and register numbers."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from beffroi.core.models import Counter
from beffroi.core.rows import statement


def counter_next(*, name: str) -> int:
    """The next number of ``name``; must run inside the caller's transaction.

    The UPDATE takes the row lock until the caller commits or rolls back, so
    concurrent callers queue and no number is skipped or repeated.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside a transaction")
    table = Counter._meta.db_table
    for _ in range(2):
        # One round trip (PostgreSQL, and SQLite 3.35+, know RETURNING).
        row = statement(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            [name],
        ).fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, value=1)
            return 1
        except IntegrityError:
            continue  # another transaction created it first: increment theirs
    raise RuntimeError(f"Could not advance counter {name}")
