"""Whole-page caching of public pages for visitors without a session.

A visitor with no session and no pending message sees exactly the same page
as every other such visitor, so the rendered response is kept per process
under the content revisions it depends on: a change to the catalogue or to
the city's identity bumps a revision and the next request renders afresh.
Anyone with a session (logged in, or holding a message or a form in
progress) always gets a freshly rendered page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from beffroi.core.revisions import CATALOGUE, MUNICIPALITY, revisions_current

View = Callable[..., HttpResponse]


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def content_revisions(request: HttpRequest, *extra: str) -> dict[str, int]:
    """The revisions of public content, read once per request (one query)."""
    revisions: dict[str, int] = getattr(request, "content_revisions", {})
    missing = [key for key in (MUNICIPALITY, CATALOGUE, *extra) if key not in revisions]
    if missing:
        revisions = {**revisions, **revisions_current(*missing)}
        request.content_revisions = revisions  # type: ignore[attr-defined]
    return revisions


CACHED_STATUSES = frozenset({200, 410})
# What ``{% csrf_token %}`` writes in a page kept for every visitor (see the
# ``site`` context processor); never a valid token.
CSRF_PLACEHOLDER = "beffroi-csrf-placeholder"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def _with_csrf_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The page with this visitor's CSRF token (and its cookie) in its forms."""
    if not response.streaming and _PLACEHOLDER_BYTES in response.content:
        token = get_token(request).encode()
        response.content = response.content.replace(_PLACEHOLDER_BYTES, token)
    return response


def cache_public_page(
    *revisions: str, daily: bool = False, timeout: int | None = None
) -> Callable[[View], View]:
    """Cache a public page whole for visitors without a session.

    The key holds the revisions the page depends on (the city's identity, the
    catalogue, and ``revisions``), the language, the day when ``daily`` (a
    page that starts "today"), and a hash of the full path (query strings
    may be long).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            current = content_revisions(request, *revisions)
            parts = [get_language() or "", *(str(current[key]) for key in sorted(current))]
            if daily:
                parts.append(f"{timezone.localdate():%Y%m%d}")
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"page:{':'.join(parts)}:{path}"
            cache = caches["fragments"]
            cached: tuple[int, bytes, str] | None = cache.get(key)
            if cached is not None:
                status, content, content_type = cached
                return _with_csrf_token(
                    request, HttpResponse(content, status=status, content_type=content_type)
                )
            # Forms are written with a placeholder for the CSRF token, and
            # each visitor's own token is put in when the page is sent.
            request.csrf_placeholder = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if (
                response.status_code in CACHED_STATUSES
                and not response.streaming
                and not response.cookies
                # A token asked for outside a template tag would be this visitor's.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and "Vary" not in response
            ):
                cache.set(
                    key,
                    (response.status_code, response.content, response["Content-Type"]),
                    timeout=timeout,
                )
            return _with_csrf_token(request, response)

        return wrapper

    return decorator
