"""Content revisions: cheap cache keys for public pages that rarely change."""

from __future__ import annotations

from django.db.models import F

from beffroi.core.models import Revision

CATALOGUE = "catalogue"
MUNICIPALITY = "municipality"


def revision_bump(*, key: str) -> None:
    updated = Revision.objects.filter(key=key).update(value=F("value") + 1)
    if not updated:
        Revision.objects.get_or_create(key=key, defaults={"value": 1})


def revisions_current(*keys: str) -> dict[str, int]:
    found = dict(Revision.objects.filter(key__in=keys).values_list("key", "value"))
    return {key: found.get(key, 0) for key in keys}
