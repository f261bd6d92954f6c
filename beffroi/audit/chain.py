"""The canonical form of an event and its hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_payload(
    *,
    position: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_kind: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "position": position,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_kind": actor_kind,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
