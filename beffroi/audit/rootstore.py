"""Where each sealed batch's root is written outside the database.

Whoever can rewrite the database could delete the journal's last batches
and nothing inside it would show; a copy of each root kept where the
database user cannot write (another host, a WORM bucket) shows it.
``JOURNAL_ROOTS_STORE`` names the backend; the default appends JSON lines
to one file per chain under ``JOURNAL_ROOTS_DIR``.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from beffroi.audit.chain import id_runs
from beffroi.audit.models import JournalBatch

# One batch as the store keeps it: batch, municipality, first_event_id,
# last_event_id, count, ids ([first, last] runs), root, prev_root, sealed_at.
RootRecord = dict[str, Any]


class RootStore(ABC):
    """An append-only list of batch records, per chain."""

    @abstractmethod
    def append(self, record: RootRecord) -> None:
        """Add ``record``; return only once it is durably kept."""

    @abstractmethod
    def records(self, municipality_id: int | None) -> Iterator[RootRecord]:
        """The chain's records, in the order they were appended."""

    @abstractmethod
    def chains(self) -> list[int | None]:
        """The municipalities the store holds records for."""


class JsonLinesRootStore(RootStore):
    """One ``chain-<municipality>.jsonl`` file per chain, only ever appended to."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.JOURNAL_ROOTS_DIR)

    def _path(self, municipality_id: int | None) -> Path:
        name = "installation" if municipality_id is None else str(municipality_id)
        return self.directory / f"chain-{name}.jsonl"

    def append(self, record: RootRecord) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        descriptor = os.open(
            self._path(record["municipality"]), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640
        )
        try:
            os.write(descriptor, line.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def records(self, municipality_id: int | None) -> Iterator[RootRecord]:
        path = self._path(municipality_id)
        if not path.exists():
            return
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)

    def chains(self) -> list[int | None]:
        if not self.directory.exists():
            return []
        found: list[int | None] = []
        for path in sorted(self.directory.glob("chain-*.jsonl")):
            name = path.stem.removeprefix("chain-")
            found.append(None if name == "installation" else int(name))
        return found


def batch_record(batch: JournalBatch, event_ids: Iterable[int]) -> RootRecord:
    """What the store keeps of ``batch``, whose events are ``event_ids``."""
    return {
        "batch": batch.pk,
        "municipality": batch.municipality_id,
        "first_event_id": batch.first_event_id,
        "last_event_id": batch.last_event_id,
        "count": batch.count,
        "ids": id_runs(event_ids),
        "root": batch.root,
        "prev_root": batch.prev_root,
        "sealed_at": batch.sealed_at.isoformat(),
    }


# The fields of a record that the batch row in the database must repeat.
BATCH_FIELDS = ("first_event_id", "last_event_id", "count", "root", "prev_root")


def root_store() -> RootStore:
    store: RootStore = import_string(settings.JOURNAL_ROOTS_STORE)()
    return store
