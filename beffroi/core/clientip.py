"""The client's address: the one rule every rate limit keys on.

Behind reverse proxies (``TRUSTED_PROXY_COUNT`` of them, docs/operations.md)
the client is the address the outermost trusted proxy saw, read from
``X-Forwarded-For``; anything further left was written by the client and is
not trusted. django-ratelimit reads it through ``RATELIMIT_IP_META_KEY`` and
allauth through the account adapter.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting only as many proxies as configured."""
    proxies = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR") or ""
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        # Not an address (a proxy misconfigured): every such request shares
        # one key, so a limit still holds.
        return "0.0.0.0"  # noqa: S104 - a key, never bound
