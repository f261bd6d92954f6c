"""One row read or written by a fixed statement, for the busiest paths.

``row_get(Model, pk)``, ``row_insert(obj)``, ``rows_insert(objs)`` and
``row_update(obj, fields)`` read and write exactly what
``Model.objects.filter(pk=pk).first()``, ``obj.save()``,
``Model.objects.bulk_create(objs)`` and ``obj.save(update_fields=fields)`` do — each field's
``pre_save`` (``auto_now`` included), its preparation for the database and
its conversion back — through a statement whose text is built once per
model, instead of a query the ORM compiles at every call. On this project's
two-core target a citizen's submission makes some twenty such reads and
writes, and compiling them cost more CPU than running them.

They send no ``pre_save``/``post_save`` signals and call no overridden
``save()``: use them on models that rely on neither, in service functions
that already hold the transaction. Both run on PostgreSQL and on SQLite
(3.35 or newer, for ``RETURNING``).

They and :func:`statement` (any other fixed statement of a busy path) run on
one cursor kept with the database connection: opening a cursor for each
statement (psycopg's adapters, Django's wrapper) cost a third of running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models

__all__ = ["pk_param", "row_get", "row_insert", "row_update", "rows_insert", "rows_of", "statement"]

M = TypeVar("M", bound=models.Model)


def pk_param(model: type[models.Model], pk: Any) -> Any:
    """``pk`` as a parameter of a hand-written statement on ``model``'s table
    (a UUID is 32 hex digits on SQLite); ValidationError if it is not one."""
    field: Any = model._meta.pk
    return field.get_db_prep_value(field.to_python(pk), connection)


def statement(sql: str, params: Sequence[Any]) -> Any:
    """Run ``sql`` on the connection's kept cursor; return the cursor, to
    fetch its rows before the next statement. Never close it."""
    cursor = _kept_cursor()
    cursor.execute(sql, params)
    return cursor


def _kept_cursor() -> Any:
    """The cursor kept with the current database connection, wrapped as
    Django wraps a new one (health check, errors, queries logged)."""
    # Read once: each use of the ``connection`` proxy looks the connection
    # up again in the thread's storage.
    database: Any = connections[DEFAULT_DB_ALIAS]
    database.close_if_health_check_failed()
    database.ensure_connection()
    raw_connection = database.connection
    kept = database.__dict__.get("_beffroi_kept_cursor")
    if kept is None or kept[0] is not raw_connection or getattr(kept[1], "closed", False):
        with database.wrap_database_errors:
            kept = (raw_connection, database.create_cursor())
        # A new connection (after a restart or a test's close) gets its own.
        database.__dict__["_beffroi_kept_cursor"] = kept
    return database._prepare_cursor(kept[1])  # what connection.cursor() wraps with


def _quote(name: Any) -> str:
    return str(connection.ops.quote_name(str(name)))


@cache
def _select_plan(
    model: type[models.Model], key: str | None, lock: bool, vendor: str
) -> tuple[str, Any, tuple[str, ...], list[tuple[int, Any, list[Any]]]]:
    """(statement, key field, attribute names, converters of the columns that have some)."""
    meta = model._meta
    found: Any = meta.pk if key is None else meta.get_field(key)
    if not (found.primary_key or found.unique):
        raise TypeError(f"{meta.label}.{key} does not name one row")
    fields: list[Any] = list(meta.concrete_fields)
    columns = ", ".join(_quote(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {_quote(meta.db_table)} WHERE {_quote(found.column)} = %s"  # noqa: S608
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"  # SQLite has none: its writing transactions are serialised
    converters = []
    for index, field in enumerate(fields):
        column = field.cached_col
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    return sql, found, tuple(f.attname for f in fields), converters


def row_get(model: type[M], value: Any, *, key: str | None = None, lock: bool = False) -> M | None:
    """The row whose primary key (or unique field ``key``) is ``value``, None
    if there is none; ValidationError if ``value`` cannot be one.
    ``lock``: as ``select_for_update()``."""
    sql, field, names, converters = _select_plan(model, key, lock, connection.vendor)
    prepared = field.get_db_prep_value(field.to_python(value), connection)
    row = statement(sql, [prepared]).fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, functions in converters:
        for function in functions:
            values[index] = function(values[index], column, connection)
    return model.from_db(connection.alias, names, values)


@cache
def _column_converters(
    model: type[models.Model], names: tuple[str, ...], vendor: str
) -> list[tuple[int, Any, list[Any]]]:
    converters = []
    for index, name in enumerate(names):
        field: Any = model._meta.get_field(name)
        column = field.cached_col
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    return converters


def rows_of(
    model: type[models.Model], fields: Sequence[str], sql: str, params: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """The rows of a hand-written SELECT whose columns are ``fields`` of
    ``model``, in that order, converted as the ORM converts them (a date is
    a string on SQLite until then)."""
    converters = _column_converters(model, tuple(fields), connection.vendor)
    rows = statement(sql, list(params)).fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        converted.append(tuple(values))
    return converted


@cache
def _insert_plan(
    model: type[models.Model], rows: int, unique: str | None, vendor: str
) -> tuple[str, tuple[Any, ...], bool]:
    """(statement, fields written, whether the primary keys come back)."""
    meta = model._meta
    if meta.parents:
        raise TypeError(f"{meta.label}: row_insert does not write inherited models")
    pk: Any = meta.pk
    returns_pk = isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
    fields = tuple(
        f for f in meta.local_concrete_fields if not (returns_pk and f is pk) and not f.generated
    )
    columns = ", ".join(_quote(f.column) for f in fields)
    values = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * rows)
    sql = f"INSERT INTO {_quote(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
    if unique is not None:
        # An existing row is left as it is (a no-op update), and its key comes back.
        column = _quote(meta.get_field(unique).column)  # type: ignore[union-attr]
        sql += f" ON CONFLICT ({column}) DO UPDATE SET {column} = EXCLUDED.{column}"
    if returns_pk:
        sql += f" RETURNING {_quote(pk.column)}"
    return sql, fields, returns_pk


def row_insert(obj: M, *, unique: str | None = None) -> M:
    """Insert ``obj`` as ``obj.save(force_insert=True)`` would; return it.

    ``unique``: a unique field; when a row with the same value exists, it is
    kept unchanged and ``obj`` takes its primary key (as ``bulk_create``
    with ``update_conflicts`` on that field alone).
    """
    rows_insert([obj], unique=unique)
    return obj


def rows_insert(objs: Sequence[M], *, unique: str | None = None) -> list[M]:
    """Insert ``objs`` (of one model) in one statement, as
    ``bulk_create(objs)`` would; ``unique`` as in :func:`row_insert`."""
    if not objs:
        return []
    model = type(objs[0])
    sql, fields, returns_pk = _insert_plan(model, len(objs), unique, connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    cursor = statement(sql, values)
    if returns_pk:
        # In the order of VALUES, as Django's bulk_create also expects.
        for obj, row in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = row[0]
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


@cache
def _update_plan(
    model: type[models.Model], names: tuple[str, ...], vendor: str
) -> tuple[str, tuple[Any, ...]]:
    meta = model._meta
    pk: Any = meta.pk
    fields = tuple(meta.get_field(name) for name in names)
    assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)  # type: ignore[union-attr]
    sql = f"UPDATE {_quote(meta.db_table)} SET {assignments} WHERE {_quote(pk.column)} = %s"  # noqa: S608
    return sql, fields


def row_update(obj: models.Model, fields: Sequence[str]) -> None:
    """Write ``fields`` of ``obj`` as ``obj.save(update_fields=fields)`` would."""
    sql, model_fields = _update_plan(type(obj), tuple(fields), connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in model_fields]
    if statement(sql, [*values, pk_param(type(obj), obj.pk)]).rowcount != 1:
        raise DatabaseError("Save with update_fields did not affect any rows.")
