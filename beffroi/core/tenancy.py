"""Which municipality the work at hand is for.

One installation may host several municipalities (an intermunicipal
cooperative's). A request, a background job or a command works for one of
them at a time: whoever starts the work says which (``municipality_scope``),
and code below reads it (``current_municipality_id``) instead of being handed
it through every call. The request's host names the municipality
(``beffroi.municipality.middleware``); jobs carry theirs.

Rows of municipal data declare theirs (``municipality_field``) and their
default manager (``MunicipalManager``) returns only the current
municipality's. Work that names no municipality on an installation that has
several fails loudly (``MunicipalityScopeMissing``) instead of seeing
everyone's; on an installation with one city, that city is the scope.

On PostgreSQL, row-level security is the backstop: a scope opens a
transaction and sets ``beffroi.municipality`` for it alone (``SET LOCAL``
semantics, so nothing leaks to the next user of a pooled connection), and
the policies (``beffroi.core.rls``) let a row through only when it matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import connections, models, transaction

# The PostgreSQL setting the row-level-security policies read.
RLS_SETTING = "beffroi.municipality"

# Cache keys starting with this are the installation's, not one municipality's.
GLOBAL_CACHE_KEY = "global:"

_current: ContextVar[int | None] = ContextVar("beffroi_municipality", default=None)
_fallback: list[Callable[[], int | None]] = []


class MunicipalityScopeMissing(RuntimeError):
    """Municipal data was asked for outside any municipality's scope."""


def current_municipality_id() -> int | None:
    """The municipality of the work at hand.

    None only on an installation that has not recorded a municipality yet.
    Raises ``MunicipalityScopeMissing`` when the installation has several and
    the work named none.
    """
    value = _current.get()
    if value is None and _fallback:
        value = _fallback[0]()
    return value


def scoped_municipality_id() -> int | None:
    """The municipality a scope named, without the fallback (None outside one)."""
    return _current.get()


def _rls_applies(using: str) -> bool:
    return bool(settings.BEFFROI_RLS) and connections[using].vendor == "postgresql"


def _rls_set(using: str, municipality_id: int | None) -> None:
    with connections[using].cursor() as cursor:
        # set_config(..., true) is SET LOCAL: it ends with the transaction.
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [RLS_SETTING, "" if municipality_id is None else str(municipality_id)],
        )


@contextmanager
def municipality_scope(municipality_id: int | None, *, using: str = "default") -> Iterator[None]:
    """Run the enclosed work for ``municipality_id``.

    On PostgreSQL the work runs in one transaction that carries the
    municipality for the row-level-security policies.
    """
    if municipality_id is None:
        # Work that names none is the sole city's (and raises on a cooperative's).
        municipality_id = current_municipality_id()
    token = _current.set(municipality_id)
    try:
        if _rls_applies(using):
            with transaction.atomic(using=using):
                _rls_set(using, municipality_id)
                try:
                    yield
                finally:
                    outer = token.old_value
                    if outer is not token.MISSING and outer is not None:
                        # Back to the enclosing scope's municipality, same transaction.
                        connection = connections[using]
                        if connection.in_atomic_block and not connection.needs_rollback:
                            _rls_set(using, outer)
        else:
            yield
    finally:
        _current.reset(token)


def municipality_fallback_register(function: Callable[[], int | None]) -> None:
    """The municipality of work that names none (the sole one, if there is one)."""
    _fallback[:] = [function]


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """Every cache key carries the municipality it belongs to (CACHES' KEY_FUNCTION)."""
    if key.startswith(GLOBAL_CACHE_KEY):
        return f"{key_prefix}:{version}:{key}"
    municipality_id = current_municipality_id()
    return f"{key_prefix}:{version}:m{municipality_id or 0}:{key}"


def municipal_name(name: str) -> str:
    """A name (of a counter, a revision...) made the current municipality's own."""
    municipality_id = current_municipality_id()
    return name if municipality_id is None else f"m{municipality_id}:{name}"


def municipality_field() -> models.ForeignKey[Any, Any]:
    """The municipality a row of municipal data belongs to, the one of the
    work at hand by default. Null only while an installation has not
    recorded its municipality yet."""
    return models.ForeignKey(
        "municipality.Municipality",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        default=current_municipality_id,
    )


M = TypeVar("M", bound=models.Model)


class MunicipalQuerySet(models.QuerySet[M]):
    """Rows of municipal data (see ``municipality_field``)."""

    def of_current_municipality(self) -> Self:
        municipality_id = current_municipality_id()
        if municipality_id is None:  # an installation without its city recorded yet
            return self.filter(municipality__isnull=True)
        return self.filter(municipality_id=municipality_id)


class MunicipalManager(models.Manager[M]):
    """The default manager of municipal data: the current municipality's rows only.

    ``BEFFROI_TENANCY_APP_SCOPING`` switches the filter off, for the test that
    proves row-level security alone keeps municipalities apart.
    """

    def get_queryset(self) -> models.QuerySet[M]:
        queryset = super().get_queryset()
        if not settings.BEFFROI_TENANCY_APP_SCOPING:
            return queryset
        municipality_id = current_municipality_id()
        if municipality_id is None:
            return queryset.filter(municipality__isnull=True)
        return queryset.filter(municipality_id=municipality_id)


def municipal_manager(queryset_class: type[models.QuerySet[Any]]) -> MunicipalManager[Any]:
    """The scoped default manager with a model's own queryset methods."""
    return MunicipalManager.from_queryset(queryset_class)()
