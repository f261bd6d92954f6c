"""Content revisions: cheap cache keys for public pages that rarely change.

Every page reads them, so each process keeps what it read for a second: a
change shows at once in the process that made it, and within that second
in the others.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import F

from beffroi.core.models import Revision

CATALOGUE = "catalogue"
MUNICIPALITY = "municipality"
_read: dict[str, tuple[float, int]] = {}


def revision_bump(*, key: str) -> None:
    updated = Revision.objects.filter(key=key).update(value=F("value") + 1)
    if not updated:
        Revision.objects.get_or_create(key=key, defaults={"value": 1})
    _read.pop(key, None)


def revisions_current(*keys: str) -> dict[str, int]:
    now = time.monotonic()
    fresh_for = settings.BEFFROI_REVISIONS_FRESH_MS / 1000
    known = {key: hit[1] for key in keys if (hit := _read.get(key)) and now - hit[0] < fresh_for}
    missing = [key for key in keys if key not in known]
    if missing:
        found = dict(Revision.objects.filter(key__in=missing).values_list("key", "value"))
        for key in missing:
            known[key] = found.get(key, 0)
            _read[key] = (now, known[key])
    return {key: known[key] for key in keys}


def revisions_forget() -> None:
    """Read them afresh (tests: a rolled-back transaction takes its bumps back)."""
    _read.clear()
