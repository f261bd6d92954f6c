from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from beffroi.core.revisions import CATALOGUE, MUNICIPALITY, content_revisions
from beffroi.municipality.selectors import current_municipality


def site(request: HttpRequest) -> dict[str, Any]:
    """The city's identity and the content revisions (read once per request)."""
    revisions = content_revisions(request)
    return {
        "municipality": current_municipality(revision=revisions[MUNICIPALITY]),
        "municipality_revision": revisions[MUNICIPALITY],
        "catalogue_revision": revisions[CATALOGUE],
        "demo_mode": settings.DEMO_MODE,
    }
