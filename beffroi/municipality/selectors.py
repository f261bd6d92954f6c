from __future__ import annotations

from django.conf import settings
from django.core.cache import caches

from beffroi.core.revisions import MUNICIPALITY, revisions_current
from beffroi.municipality.models import Municipality, Service


def current_municipality(*, revision: int | None = None) -> Municipality:
    """The city's identity, cached in this process until its revision changes."""
    if revision is None:
        revision = revisions_current(MUNICIPALITY)[MUNICIPALITY]
    cache = caches["fragments"]
    key = f"municipality:{revision}"
    municipality: Municipality | None = cache.get(key)
    if municipality is None:
        municipality = Municipality.objects.order_by("pk").first() or Municipality(
            name=settings.BEFFROI_MUNICIPALITY_NAME
        )
        cache.set(key, municipality, timeout=None)
    return municipality


def services_active() -> list[Service]:
    return list(Service.objects.filter(is_active=True).order_by("name"))
