"""Content revisions: cheap cache keys for public pages that rarely change.

Every page reads them, so each process keeps what it read for a moment in
its own memory cache (``BEFFROI_REVISIONS_FRESH_MS``): a change shows at
once in the process that made it, and within that moment in the others.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db.models import F
from django.http import HttpRequest

from beffroi.core.models import Revision
from beffroi.core.tenancy import GLOBAL_CACHE_KEY, municipal_name

CATALOGUE = "catalogue"
MUNICIPALITY = "municipality"


def _row_key(key: str) -> str:
    """Each municipality has its own revisions; the installation's are shared."""
    return key if key.startswith(GLOBAL_CACHE_KEY) else municipal_name(key)


def _cache_key(key: str) -> str:
    if key.startswith(GLOBAL_CACHE_KEY):
        return f"{key}:revision"
    return f"revision:{key}"


def revision_bump(*, key: str) -> None:
    row_key = _row_key(key)
    updated = Revision.objects.filter(key=row_key).update(value=F("value") + 1)
    if not updated:
        Revision.objects.get_or_create(key=row_key, defaults={"value": 1})
    caches["fragments"].delete(_cache_key(key))


def revisions_current(*keys: str) -> dict[str, int]:
    cache = caches["fragments"]
    cache_keys = {_cache_key(key): key for key in keys}
    known = {cache_keys[found]: value for found, value in cache.get_many(cache_keys).items()}
    missing = [key for key in keys if key not in known]
    if missing:
        row_keys = {_row_key(key): key for key in missing}
        found = {
            row_keys[row_key]: value
            for row_key, value in Revision.objects.filter(key__in=row_keys).values_list(
                "key", "value"
            )
        }
        fresh = {key: found.get(key, 0) for key in missing}
        known.update(fresh)
        timeout = settings.BEFFROI_REVISIONS_FRESH_MS / 1000
        if timeout > 0:
            cache.set_many({_cache_key(key): value for key, value in fresh.items()}, timeout)
    return {key: known[key] for key in keys}


def content_revisions(request: HttpRequest, *extra: str) -> dict[str, int]:
    """The city's and the catalogue's revisions and ``extra``, read once per
    request (the page cache and the context processor both need them)."""
    known: dict[str, int] = getattr(request, "content_revisions", {})
    missing = [key for key in (MUNICIPALITY, CATALOGUE, *extra) if key not in known]
    if missing:
        known = {**known, **revisions_current(*missing)}
        request.content_revisions = known  # type: ignore[attr-defined]
    return known


def revisions_forget() -> None:
    """Read them afresh, and forget what this process kept under them (tests:
    a rolled-back transaction takes its bumps back, and the fragments kept
    under a bumped revision would be seen again)."""
    caches["fragments"].clear()
