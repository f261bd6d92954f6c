"""Which municipality the work at hand is for.

A request, a background job or a command works for one municipality at a
time. Whoever starts the work says which (``municipality_scope``); code
below reads it (``current_municipality_id``) instead of being handed it
through every call. Until an installation hosts several municipalities, the
municipality app registers its one city as the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Self, TypeVar

from django.db import models

_current: ContextVar[int | None] = ContextVar("beffroi_municipality", default=None)
_fallback: list[Callable[[], int | None]] = []


def current_municipality_id() -> int | None:
    """The municipality of the work at hand; None when there is none yet."""
    value = _current.get()
    if value is None and _fallback:
        value = _fallback[0]()
    return value


@contextmanager
def municipality_scope(municipality_id: int | None) -> Iterator[None]:
    """Run the enclosed work for ``municipality_id``."""
    token = _current.set(municipality_id)
    try:
        yield
    finally:
        _current.reset(token)


def municipality_fallback_register(function: Callable[[], int | None]) -> None:
    """The municipality of work that no scope names (one city per installation)."""
    _fallback[:] = [function]


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
