"""Rate limits on what visitors try: django-ratelimit, counted in the shared cache.

A limit is a group (what is limited), a rate (``"5/15m"``) and a key: the
client's address (``"ip"``, see core/clientip.py) or a value of the request
(a tracking code). Views count the attempts that matter (a failed check)
and ask before trying whether the limit is reached, so a visitor who gets
it right is never counted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import get_usage

Key = str | Callable[[str, HttpRequest], str]


def _key(key: str) -> Key:
    """``"ip"`` for the client's address, any other text for itself."""
    return "ip" if key == "ip" else (lambda _group, _request: key)


def throttle_count(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> int:
    """Count one attempt; return how many there were in the window, this one included."""
    usage = get_usage(request, group=group, key=_key(key), rate=rate, increment=True)
    return 0 if usage is None else int(usage["count"])


def throttle_reached(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """Whether the rate's number of attempts were counted already in this window."""
    usage = get_usage(request, group=group, key=_key(key), rate=rate, increment=False)
    return usage is not None and int(usage["count"]) >= int(usage["limit"])


def throttle_hit(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """Count one attempt; False when it goes beyond the rate (refuse it)."""
    usage = get_usage(request, group=group, key=_key(key), rate=rate, increment=True)
    return usage is None or not usage["should_limit"]
