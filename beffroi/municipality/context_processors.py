from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from beffroi.core.revisions import CATALOGUE, MUNICIPALITY, content_revisions
from beffroi.municipality.selectors import current_municipality, municipality_config


def site(request: HttpRequest) -> dict[str, Any]:
    """The city's identity and the content revisions (read once per request)."""
    revisions = content_revisions(request)
    config = municipality_config(revision=revisions[MUNICIPALITY])
    return {
        "municipality": current_municipality(revision=revisions[MUNICIPALITY]),
        "counter_hours": config.counter_hours,
        # The languages the portal offers (issue 27's switcher shows these only).
        "portal_languages": config.languages,
        "municipality_revision": revisions[MUNICIPALITY],
        "catalogue_revision": revisions[CATALOGUE],
        "demo_mode": settings.DEMO_MODE,
    }
