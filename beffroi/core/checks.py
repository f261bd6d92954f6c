"""Deployment checks (``manage.py check --deploy``) of what production needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Rate limits count in the cache: each web process would count apart
    in its own memory, multiplying every limit by the number of processes."""
    if settings.SHARED_CACHE or settings.DEMO_MODE or settings.DEBUG:
        return []
    return [
        Warning(
            "CACHE_URL does not name a shared cache: rate limits and sessions are kept in "
            "each process's memory.",
            hint="Set CACHE_URL=redis://host:6379/0 (docs/operations.md).",
            id="beffroi.W001",
        )
    ]


@register(Tags.security, deploy=True)
def journal_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Without its key the journal is never sealed, and a copy of the
    database rewritten with plain hashes could not be told apart."""
    if settings.JOURNAL_KEY:
        return []
    return [
        Error(
            "JOURNAL_KEY is not set: the audit journal cannot be sealed nor verified.",
            hint="Set JOURNAL_KEY (or JOURNAL_KEY_FILE) to a long random secret kept out of "
            "the database and its backups (docs/operations.md).",
            id="beffroi.E010",
        )
    ]
