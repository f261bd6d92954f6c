"""Which models hold a municipality's data, and how to read them."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from beffroi.municipality.models import Municipality


def municipal_models() -> list[type[models.Model]]:
    """Every concrete model whose rows carry their municipality
    (``municipality_field``), in the registry's order."""
    found = []
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy or model is Municipality:
            continue
        try:
            field = model._meta.get_field("municipality")
        except FieldDoesNotExist:
            continue
        if field.concrete and field.is_relation and field.related_model is Municipality:
            found.append(model)
    return found


def has_municipality(model: type[models.Model]) -> bool:
    return model in municipal_models()


def rows_of(model: type[models.Model], municipality_id: int) -> models.QuerySet[Any]:
    """One municipality's rows, to be read inside its ``municipality_scope``.

    The default manager (``objects``) is scoped once a model's tenancy has
    landed, a plain manager before: the explicit filter makes both right.
    """
    manager = getattr(model, "objects", None) or getattr(model, "all_municipalities")  # noqa: B009
    queryset: models.QuerySet[Any] = manager.filter(municipality_id=municipality_id)
    return queryset.order_by("pk")
