"""A fixed-window rate limiter on the default cache.

In production the default cache must be shared by every process (Redis or
the database cache) for the limits to hold across them.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting only as many proxies as configured."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# The windows' clock (tests hold it still: a window that ends mid-test would
# start the count again).
_clock = time.time


def _cache_key(scope: str, key: str, period: int) -> str:
    window = int(_clock() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def ratelimit_hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt; return False when ``limit`` is exceeded in this window."""
    cache_key = _cache_key(scope, key, period)
    hit = getattr(cache, "hit", None)
    if hit is not None:  # the shared Redis cache (core.cache): one round trip
        return int(hit(cache_key, period + 5)) <= limit
    # Counting first costs one call when the window is open already (the
    # usual case) and two on the first attempt of a window.
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # add() fails only when another process opened the window in between.
        count = 1 if cache.add(cache_key, 1, timeout=period + 5) else cache.incr(cache_key)
    return count <= limit


def ratelimit_blocked(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Whether ``limit`` attempts were already counted in this window (no count)."""
    return int(cache.get(_cache_key(scope, key, period), 0)) >= limit
