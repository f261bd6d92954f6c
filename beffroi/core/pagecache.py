"""Public pages kept whole by Django's cache framework, keyed by content revisions.

Django's cache helpers do the work (``get_cache_key``/``learn_cache_key``,
the machinery of ``cache_page``): a page is stored under its URL and the
headers it varies on, and never when it sets a cookie. The key's prefix
holds the content revisions the page depends on, so a change to the
catalogue or to the city's identity is seen at once, where ``cache_page``
would wait for a timeout.

As Django's documentation says of cache decorators, the middleware has not
yet added its headers when the decorator sees the response: so the page
says itself that it varies on the visitor's cookies and language (as the
session and locale middleware would), and CSRF protection runs inside the
decorator (``csrf_protect``), so a form's token sets its cookie in time and
such a page is never kept for another visitor. Anyone with a session (a
logged-in citizen, a form in progress) always gets a fresh page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_cache_key, learn_cache_key, patch_vary_headers
from django.views.decorators.csrf import csrf_protect

from beffroi.core.revisions import content_revisions

View = Callable[..., HttpResponse]

# What a later visitor may be given as it is (a missing page answers 404, rendered afresh).
CACHED_STATUSES = frozenset({200, 410})


def _key_prefix(request: HttpRequest, revisions: tuple[str, ...], daily: bool) -> str:
    current = content_revisions(request, *revisions)
    parts = [f"{key}{current[key]}" for key in sorted(current)]
    if daily:  # a page that starts "today"
        parts.append(f"{timezone.localdate():%Y%m%d}")
    return "page:" + ".".join(parts)


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code in CACHED_STATUSES
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def cache_public_page(
    *revisions: str, daily: bool = False, timeout: int | None = None
) -> Callable[[View], View]:
    """Keep a public page whole (see the module's docstring); ``revisions``:
    the content revisions it depends on beyond the city's and the catalogue's;
    ``timeout`` in seconds (None: until a revision changes)."""

    def decorator(view: View) -> View:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.method not in {"GET", "HEAD"}
                or settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                return protected(request, *args, **kwargs)
            cache = caches["fragments"]
            prefix = _key_prefix(request, revisions, daily)
            key = get_cache_key(request, prefix, "GET", cache=cache)
            if key is not None:
                cached: HttpResponse | None = cache.get(key)
                if cached is not None:
                    return cached
            response = protected(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            if _storable(response):
                key = learn_cache_key(request, response, timeout, prefix, cache=cache)
                cache.set(key, response, timeout)
            return response

        return wrapper

    return decorator
