"""Verifying the journal: every event against its keyed hash, the chain's
links, each batch against its root and against the store outside the
database."""

from __future__ import annotations

import hmac
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from beffroi.audit.chain import (
    CONTENT_FIELDS,
    GENESIS_HASH,
    event_hash,
    id_runs,
    ids_of_runs,
    merkle_root,
)
from beffroi.audit.models import AuditEvent, JournalBatch
from beffroi.audit.rootstore import BATCH_FIELDS, RootRecord, RootStore


@dataclass(frozen=True)
class JournalProblem:
    municipality_id: int | None
    problem: str
    event_id: int | None = None
    batch_id: int | None = None

    def __str__(self) -> str:
        if self.municipality_id is None:
            chain = "journal de l'installation"
        else:
            chain = f"journal de la commune n° {self.municipality_id}"
        if self.event_id is not None:
            return f"{chain}, événement id {self.event_id} : {self.problem}"
        if self.batch_id is not None:
            return f"{chain}, lot n° {self.batch_id} : {self.problem}"
        return f"{chain} : {self.problem}"


def _runs_text(ids: Iterable[int]) -> str:
    return ", ".join(
        f"id {first}" if first == last else f"id {first} à {last}" for first, last in id_runs(ids)
    )


@dataclass
class _ChainWalk:
    """One chain read in order, batch after batch, remembering its end."""

    municipality_id: int | None
    key: bytes
    prev_hash: str = GENESIS_HASH
    prev_root: str = GENESIS_HASH

    def problem(
        self, text: str, *, event: int | None = None, batch: int | None = None
    ) -> JournalProblem:
        return JournalProblem(self.municipality_id, text, event_id=event, batch_id=batch)

    def batch(
        self, batch: JournalBatch, rows: list[dict[str, Any]], record: RootRecord | None
    ) -> Iterator[JournalProblem]:
        yield from self._against_record(batch, rows, record)
        if batch.prev_root != self.prev_root:
            yield self.problem("lien rompu avec le lot précédent", batch=batch.pk)
        for row in rows:
            yield from self._event(row)
        if merkle_root((row["id"], row["hash"]) for row in rows) != batch.root:
            yield self.problem(
                "la racine recalculée sur ses événements diffère de celle du lot", batch=batch.pk
            )
        self.prev_root = batch.root

    def _against_record(
        self, batch: JournalBatch, rows: list[dict[str, Any]], record: RootRecord | None
    ) -> Iterator[JournalProblem]:
        ids = {row["id"] for row in rows}
        if record is None:
            yield self.problem("absent du registre externe des racines", batch=batch.pk)
            bounds = (min(ids, default=0), max(ids, default=0), len(ids))
            if bounds != (batch.first_event_id, batch.last_event_id, batch.count):
                yield self.problem(
                    f"{batch.count} événement(s) scellé(s) de l'id {batch.first_event_id} "
                    f"à {batch.last_event_id}, {len(ids)} trouvé(s)",
                    batch=batch.pk,
                )
            return
        if any(getattr(batch, name) != record[name] for name in BATCH_FIELDS):
            yield self.problem(
                "racine ou bornes différentes de celles du registre externe", batch=batch.pk
            )
        expected = set(ids_of_runs(record["ids"]))
        for first, last in id_runs(expected - ids):
            yield self.problem(
                f"événement(s) {_runs_text(range(first, last + 1))} supprimé(s) après le scellement",
                batch=batch.pk,
            )
        for event_id in sorted(ids - expected):
            yield self.problem(
                f"inséré dans le lot n° {batch.pk} après son scellement", event=event_id
            )

    def _event(self, row: dict[str, Any]) -> Iterator[JournalProblem]:
        if row["prev_hash"] != self.prev_hash:
            yield self.problem("lien rompu avec l'événement précédent", event=row["id"])
        expected = event_hash(self.key, row, prev_hash=row["prev_hash"] or "")
        if not hmac.compare_digest(expected, row["hash"] or ""):
            yield self.problem(
                "empreinte invalide : contenu modifié, ou empreinte calculée sans la clé",
                event=row["id"],
            )
        self.prev_hash = row["hash"]


def _store_records(
    store: RootStore, municipality_id: int | None
) -> tuple[dict[int, RootRecord], list[JournalProblem]]:
    records: dict[int, RootRecord] = {}
    problems = []
    for record in store.records(municipality_id):
        known = records.setdefault(record["batch"], record)
        if known != record:
            problems.append(
                JournalProblem(
                    municipality_id,
                    "deux enregistrements différents dans le registre externe",
                    batch_id=record["batch"],
                )
            )
    return records, problems


def _chain_problems(
    municipality_id: int | None, key: bytes, store: RootStore
) -> Iterator[JournalProblem]:
    records, problems = _store_records(store, municipality_id)
    yield from problems
    walk = _ChainWalk(municipality_id, key)
    batches = iter(
        JournalBatch.all_municipalities.filter(municipality_id=municipality_id).order_by("id")
    )
    rows = (
        AuditEvent.all_municipalities.of_chain(municipality_id)
        .filter(batch__isnull=False)
        .order_by("batch_id", "id")
        .values(*CONTENT_FIELDS, "batch_id", "prev_hash", "hash")
        .iterator(chunk_size=2000)
    )
    batch = next(batches, None)
    for batch_id, group in itertools.groupby(rows, key=itemgetter("batch_id")):
        while batch is not None and batch.pk < batch_id:
            yield from walk.batch(batch, [], records.pop(batch.pk, None))
            batch = next(batches, None)
        if batch is not None and batch.pk == batch_id:
            yield from walk.batch(batch, list(group), records.pop(batch.pk, None))
            batch = next(batches, None)
            continue
        for row in group:
            yield walk.problem("inséré : rattaché à un lot inconnu de ce journal", event=row["id"])
    while batch is not None:
        yield from walk.batch(batch, [], records.pop(batch.pk, None))
        batch = next(batches, None)
    for record in records.values():
        yield walk.problem(
            f"absent de la base mais inscrit au registre externe : "
            f"événement(s) {_runs_text(ids_of_runs(record['ids']))} supprimé(s)",
            batch=record["batch"],
        )
    stray = AuditEvent.all_municipalities.of_chain(municipality_id).filter(
        batch__isnull=True, hash__isnull=False
    )
    for event_id in stray.values_list("id", flat=True):
        yield walk.problem("inséré : une empreinte sans lot", event=event_id)


def journal_problems(*, key: bytes, store: RootStore) -> Iterator[JournalProblem]:
    """Walk every chain of the journal and yield each place it was tampered with.

    Events not sealed yet are not checked (``audit_verify`` seals first).
    """
    chains: set[int | None] = set(store.chains())
    chains |= set(
        JournalBatch.all_municipalities.order_by()
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    chains |= set(
        AuditEvent.all_municipalities.filter(hash__isnull=False)
        .order_by()
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    for municipality_id in sorted(chains, key=lambda value: value or 0):
        yield from _chain_problems(municipality_id, key, store)
