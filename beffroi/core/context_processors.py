from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from beffroi.core.pagecache import CSRF_PLACEHOLDER, content_revisions
from beffroi.core.revisions import CATALOGUE, MUNICIPALITY
from beffroi.municipality.selectors import current_municipality


def site(request: HttpRequest) -> dict[str, Any]:
    """The city's identity and the content revisions, in one query per request."""
    revisions = content_revisions(request)
    context = {
        "municipality": current_municipality(revision=revisions[MUNICIPALITY]),
        "municipality_revision": revisions[MUNICIPALITY],
        "catalogue_revision": revisions[CATALOGUE],
        "demo_mode": settings.DEMO_MODE,
    }
    if getattr(request, "csrf_placeholder", False):
        # A page cached for every visitor (core.pagecache): Django's own
        # processor, which runs first, would put this visitor's token in it.
        context["csrf_token"] = CSRF_PLACEHOLDER
    return context
