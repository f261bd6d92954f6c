"""The canonical form of an event, its keyed hash, and a batch's Merkle root.

An event's hash is ``HMAC-SHA256(key, canonical content + previous hash)``:
without the key (kept out of the database) nobody can compute one, so a
copy of the database changed and re-hashed does not verify. A batch's root
is the RFC 6962 Merkle tree hash (Certificate Transparency) of its events'
ids and hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS_HASH = "0" * 64

# The columns an event's hash covers, read as they are stored.
CONTENT_FIELDS = (
    "id",
    "municipality_id",
    "occurred_at",
    "actor_id",
    "actor_kind",
    "action",
    "object_type",
    "object_id",
    "data",
)


def canonical_payload(content: dict[str, Any], *, prev_hash: str) -> bytes:
    """The bytes an event's hash is computed over (``content`` holds
    ``CONTENT_FIELDS``)."""
    occurred_at: datetime = content["occurred_at"]
    payload = {name: content[name] for name in CONTENT_FIELDS}
    payload["occurred_at"] = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload["prev_hash"] = prev_hash
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def journal_key() -> bytes:
    """The chain's secret, from the environment (``JOURNAL_KEY``), never the database."""
    key: str = settings.JOURNAL_KEY
    if not key:
        raise ImproperlyConfigured("JOURNAL_KEY must be set (or JOURNAL_KEY_FILE).")
    return key.encode()


def event_hash(key: bytes, content: dict[str, Any], *, prev_hash: str) -> str:
    return hmac.new(
        key, canonical_payload(content, prev_hash=prev_hash), hashlib.sha256
    ).hexdigest()


def _leaf(event_id: int, hash_: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{event_id}:{hash_}".encode()).digest()


def _tree(nodes: Sequence[bytes]) -> bytes:
    if len(nodes) == 1:
        return nodes[0]
    split = 1
    while split * 2 < len(nodes):
        split *= 2
    return hashlib.sha256(b"\x01" + _tree(nodes[:split]) + _tree(nodes[split:])).digest()


def merkle_root(events: Iterable[tuple[int, str]]) -> str:
    """The root over ``(id, hash)`` pairs, in chain order."""
    leaves = [_leaf(event_id, hash_) for event_id, hash_ in events]
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    return _tree(leaves).hex()


def id_runs(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids as ``[first, last]`` runs: ``[1, 2, 3, 7]`` → ``[[1, 3], [7, 7]]``."""
    runs: list[list[int]] = []
    for event_id in sorted(ids):
        if runs and runs[-1][1] + 1 == event_id:
            runs[-1][1] = event_id
        else:
            runs.append([event_id, event_id])
    return runs


def ids_of_runs(runs: Iterable[Sequence[int]]) -> list[int]:
    return [event_id for first, last in runs for event_id in range(first, last + 1)]
