from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from beffroi.audit.chain import GENESIS_HASH, canonical_payload, event_hash
from beffroi.audit.models import AuditEvent


@dataclass(frozen=True)
class ChainProblem:
    position: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"événement n° {self.position}"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"{where} : {self.problem}"


def audit_chain_problems(*, batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the whole journal and yield every place the chain is broken."""
    expected_position = 1
    expected_prev = GENESIS_HASH
    rows = AuditEvent.objects.order_by("position").values_list(
        "id",
        "position",
        "occurred_at",
        "actor_id",
        "actor_kind",
        "action",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    )
    for row in rows.iterator(chunk_size=batch_size):
        (
            event_id,
            position,
            occurred_at,
            actor_id,
            kind,
            action,
            otype,
            oid,
            data,
            prev,
            stored,
        ) = row
        if position != expected_position:
            yield ChainProblem(
                expected_position,
                None,
                f"{position - expected_position} événement(s) manquant(s) avant le n° {position}"
                if position > expected_position
                else "numéro en double ou inséré",
            )
        if prev != expected_prev:
            yield ChainProblem(position, event_id, "lien vers l'événement précédent rompu")
        payload = canonical_payload(
            position=position,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_kind=kind,
            action=action,
            object_type=otype,
            object_id=oid,
            data=data,
            prev_hash=prev,
        )
        if event_hash(payload) != stored:
            yield ChainProblem(position, event_id, "contenu modifié après coup")
        expected_position = position + 1
        expected_prev = stored
