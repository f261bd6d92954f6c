"""Deployment checks (``manage.py check --deploy``) of what production needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections

from beffroi.core import rls


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


DEMO_MAILBOX_BACKEND = "beffroi.notifications.backends.DemoMailboxBackend"


@register(Tags.security, deploy=True)
def demo_mode_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The demo's mailbox (/demo/courriels/) shows every e-mail sent, with
    its tracking links, to anyone: never on a server that faces citizens."""
    errors: list[CheckMessage] = []
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "BEFFROI_DEMO is on: /demo/courriels/ shows every e-mail sent (tracking "
                "links included) to anyone, and the demo's relaxed settings apply.",
                hint="Unset BEFFROI_DEMO in production (docs/operations.md).",
                id="beffroi.E002",
            )
        )
    if settings.EMAIL_BACKEND == DEMO_MAILBOX_BACKEND:
        errors.append(
            Error(
                "EMAIL_BACKEND is the demo's mailbox: no e-mail reaches anyone, each is kept "
                "in a table the demo shows at /demo/courriels/.",
                hint="Set EMAIL_HOST (SMTP) or EMAIL_BACKEND (docs/operations.md).",
                id="beffroi.E003",
            )
        )
    return errors


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


@register(Tags.security, deploy=True)
def secrets_keys_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Municipalities' provider keys and seal passwords are encrypted under
    BEFFROI_SECRETS_KEYS: the development key is public (it is in the code)."""
    if settings.DEBUG or settings.DEVELOPMENT_SECRETS_KEY not in settings.BEFFROI_SECRETS_KEYS:
        return []
    return [
        Error(
            "BEFFROI_SECRETS_KEYS is the development key, published with Beffroi: the "
            "municipalities' provider keys and seal passwords would be readable from any "
            "copy of the database.",
            hint="Set BEFFROI_SECRETS_KEYS (or _FILE) to a key of your own, made with "
            "cryptography's Fernet.generate_key() (docs/operations.md).",
            id="beffroi.E004",
        )
    ]


@register(Tags.database, deploy=True)
def rls_role_check(
    app_configs: Any, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Row-level security keeps municipalities apart only for a role that
    obeys it: a superuser or a BYPASSRLS role never does, and the tables'
    owner may switch it off (``check --deploy --database default``)."""
    if not settings.BEFFROI_RLS:
        return []
    warnings: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if not rls.rls_applies(connection):
            continue
        role = rls.current_role(connection)
        reasons = []
        if role.superuser:
            reasons.append("superuser")
        if role.bypassrls:
            reasons.append("BYPASSRLS")
        if any(state.owned_by_current_role for state in rls.table_states(connection)):
            reasons.append("owner of the municipal tables")
        if reasons:
            warnings.append(
                Warning(
                    f"The application connects to {alias!r} as {role.name!r} "
                    f"({', '.join(reasons)}): row-level security does not keep "
                    "municipalities apart for it.",
                    hint="Connect as a role created NOSUPERUSER NOBYPASSRLS that owns nothing, "
                    "set DATABASE_APP_ROLE and run migrate as the owner (docs/operations.md).",
                    id="beffroi.W040",
                )
            )
    return warnings
