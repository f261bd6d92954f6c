"""What each hosted municipality uses: cases, storage, emails, agents."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from beffroi.cooperative.municipal import has_municipality
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality

RECENT_DAYS = 30


@dataclass(frozen=True)
class Usage:
    """One municipality's figures; None where its data does not say yet
    which municipality it belongs to."""

    municipality_id: int
    name: str
    slug: str
    hosts: tuple[str, ...]
    suspended: bool
    cases: int | None
    cases_recent: int | None
    storage_bytes: int | None
    emails_recent: int | None
    agents: int | None


@dataclass(frozen=True)
class Measure:
    model: tuple[str, str]
    aggregates: Callable[[datetime.datetime], dict[str, Any]]


MEASURES = (
    Measure(
        ("cases", "Case"),
        lambda since: {
            "cases": Count("pk"),
            "cases_recent": Count("pk", filter=Q(submitted_at__gte=since)),
        },
    ),
    Measure(("documents", "StoredFile"), lambda since: {"storage_bytes": Sum("size")}),
    Measure(
        ("notifications", "OutgoingEmail"),
        lambda since: {"emails_recent": Count("pk", filter=Q(status="sent", sent_at__gte=since))},
    ),
    Measure(("municipality", "Membership"), lambda since: {"agents": Count("user", distinct=True)}),
)


def _figures(
    model: type[models.Model], aggregates: dict[str, Any], ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The aggregates per municipality: one grouped query through the
    unscoped manager when the model has it, one query per municipality
    inside its scope otherwise."""
    unscoped = getattr(model, "all_municipalities", None)
    if unscoped is not None:
        return {
            row.pop("municipality_id"): row
            for row in unscoped.filter(municipality_id__in=ids)
            .order_by()
            .values("municipality_id")
            .annotate(**aggregates)
        }
    figures = {}
    for municipality_id in ids:
        with municipality_scope(municipality_id):
            manager = getattr(model, "objects")  # noqa: B009
            figures[municipality_id] = manager.filter(municipality_id=municipality_id).aggregate(
                **aggregates
            )
    return figures


def municipality_usage() -> list[Usage]:
    municipalities = list(Municipality.objects.order_by("name").prefetch_related("hosts"))
    ids = [m.pk for m in municipalities]
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    figures: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    for measure in MEASURES:
        aggregates = measure.aggregates(since)
        try:
            model = apps.get_model(*measure.model)
        except LookupError:
            continue
        if not has_municipality(model):
            continue
        found = _figures(model, aggregates, ids) if ids else {}
        for pk in ids:
            row = found.get(pk, {})
            # A municipality without rows has zero of each, not "unknown".
            figures[pk].update({name: row.get(name) or 0 for name in aggregates})
    return [
        Usage(
            municipality_id=m.pk,
            name=m.name,
            slug=m.slug or "",
            hosts=tuple(sorted(h.host for h in m.hosts.all())),
            suspended=m.is_suspended,
            cases=figures[m.pk].get("cases"),
            cases_recent=figures[m.pk].get("cases_recent"),
            storage_bytes=figures[m.pk].get("storage_bytes"),
            emails_recent=figures[m.pk].get("emails_recent"),
            agents=figures[m.pk].get("agents"),
        )
        for m in municipalities
    ]
