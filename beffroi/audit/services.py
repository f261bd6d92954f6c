from __future__ import annotations

from datetime import UTC
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from beffroi.audit.chain import GENESIS_HASH, canonical_payload, event_hash
from beffroi.audit.models import AccessLog, AuditEvent
from beffroi.core.rows import row_insert, statement

# Any constant: the key of the PostgreSQL advisory lock that serialises
# appends, so two transactions never chain to the same previous event.
_CHAIN_LOCK_KEY = 0x62656666  # "beff"


def _actor_kind(actor: Any) -> str:
    if actor is None:
        return AuditEvent.ActorKind.SYSTEM
    if isinstance(actor, AnonymousUser) or not getattr(actor, "is_authenticated", False):
        return AuditEvent.ActorKind.ANONYMOUS
    return AuditEvent.ActorKind.AGENT if actor.is_agent else AuditEvent.ActorKind.CITIZEN


def _chain_end() -> tuple[int, str]:
    """Lock the chain for this transaction; return its next position and last hash.

    Plain SQL on one cursor: every write of the application passes here, and
    building these fixed statements through the ORM cost more than running
    them. On PostgreSQL a function (audit/triggers.py) takes the lock and
    reads the end in one round trip.
    """
    if connection.vendor == "postgresql":
        last = statement("SELECT * FROM audit_chain_end(%s)", [_CHAIN_LOCK_KEY]).fetchone()
    else:
        # SQLite transactions are IMMEDIATE (see settings): writers are serialised.
        last = statement(
            "SELECT position, hash FROM audit_auditevent ORDER BY position DESC LIMIT 1", []
        ).fetchone()
    return (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_HASH)


def object_label(target: models.Model | tuple[str, object]) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


@transaction.atomic(savepoint=False)
def audit_event_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | tuple[str, object],
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Journal one state change, in the caller's transaction.

    ``data`` must hold ids and codes, not personal data: the journal is kept
    long after the data it speaks of has been anonymised.
    """
    object_type, object_id = object_label(target)
    position, prev_hash = _chain_end()
    # Microsecond UTC timestamps keep the canonical form identical after a
    # round trip through any database.
    occurred_at = timezone.now().astimezone(UTC)
    actor_user = actor if _actor_kind(actor) in {"agent", "citizen"} else None
    actor_id = actor_user.pk if actor_user is not None else None
    kind = _actor_kind(actor)
    payload = canonical_payload(
        position=position,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
        prev_hash=prev_hash,
    )
    event = AuditEvent(
        position=position,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
        prev_hash=prev_hash,
        hash=event_hash(payload),
    )
    row_insert(event)  # every write of the application passes here
    return event


def access_record(
    *, actor: Any, subject_id: int | None, action: str, target: models.Model | tuple[str, object]
) -> None:
    """Record that an agent saw a citizen's personal data (the citizen can
    read this list). Every read path of personal data calls this, and only
    this."""
    if not getattr(actor, "is_authenticated", False):
        return
    object_type, object_id = object_label(target)
    AccessLog.objects.create(
        actor_id=actor.pk,
        subject_id=subject_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
    )
