"""The audit journal under 8 concurrent writers, on PostgreSQL.

- ``journal_writers_per_s``: events appended per second by 8 writer
  processes, each appending in its own transactions, with today's design
  (a plain insert; the sealer chains them every second beside the writers).
- ``journal_writers_per_s_old``: the same with the design it replaced,
  re-implemented here as the reference: a global advisory lock held until
  the commit, the last event's hash read, the new event's hash computed and
  inserted.

Each transaction also does what a service does besides journaling: a short
write of its own (``BENCH_JOURNAL_WORK_MS`` of database time, default 1),
before the append as services do (they journal last). Target: at least 4×
the old figure.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

from bench.harness import django_ready, drop_installation, figure, installation, say

WRITERS = 8
SECONDS = float(os.environ.get("BENCH_JOURNAL_SECONDS", "8"))
WORK_MS = float(os.environ.get("BENCH_JOURNAL_WORK_MS", "1"))
# The old design's lock key ("beff").
OLD_LOCK_KEY = 0x62656666


def _service_work() -> None:
    """The service's own statement in the transaction (a row written elsewhere)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [WORK_MS / 1000])


def _append_new(index: int, count: int) -> None:
    from beffroi.audit.services import audit_event_record

    audit_event_record(
        actor=None, action="bench.append", target=("bench.writer", index), data={"n": count}
    )


def _append_old(index: int, count: int) -> None:
    """The design before: lock the chain until commit, read its end, chain to it."""
    import json

    from django.db import connection
    from django.utils import timezone

    from beffroi.audit.chain import GENESIS_HASH
    from beffroi.audit.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OLD_LOCK_KEY])
    last = AuditEvent.objects.filter(hash__isnull=False).order_by("-id").values_list("hash").first()
    prev_hash = last[0] if last else GENESIS_HASH
    occurred_at = timezone.now()
    payload = {
        "occurred_at": occurred_at.isoformat(),
        "action": "bench.append",
        "object_type": "bench.writer",
        "object_id": str(index),
        "data": {"n": count},
        "prev_hash": prev_hash,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    AuditEvent.objects.create(
        occurred_at=occurred_at,
        actor_kind="system",
        action="bench.append",
        object_type="bench.writer",
        object_id=str(index),
        data={"n": count},
        prev_hash=prev_hash,
        hash=digest,
    )


APPENDS: dict[str, Callable[[int, int], None]] = {"new": _append_new, "old": _append_old}


def _writer(design: str, index: int, start: Any, queue: Any) -> None:
    from django.db import connections, transaction

    connections.close_all()  # a connection of its own, not the parent's
    append = APPENDS[design]
    start.wait()
    deadline = time.monotonic() + SECONDS
    count = 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            _service_work()
            append(index, count)
        count += 1
    connections.close_all()
    queue.put(count)


def _sealer(stop: Any) -> None:
    from django.db import connections

    from beffroi.audit.services import journal_seal

    connections.close_all()
    while not stop.is_set():
        journal_seal()
        stop.wait(1.0)
    journal_seal()
    connections.close_all()


def _events_per_second(design: str) -> float:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue, start, stop = context.Queue(), context.Barrier(WRITERS + 1), context.Event()
    writers = [
        context.Process(target=_writer, args=(design, index, start, queue))
        for index in range(WRITERS)
    ]
    sealer = context.Process(target=_sealer, args=(stop,)) if design == "new" else None
    for process in [*writers, *([sealer] if sealer else [])]:
        process.start()
    start.wait()
    started = time.monotonic()
    total: int = sum(queue.get() for _ in writers)
    elapsed = time.monotonic() - started
    stop.set()
    for process in [*writers, *([sealer] if sealer else [])]:
        process.join()
    return total / elapsed


def _chain_is_whole() -> None:
    from django.core.management import call_command

    call_command("audit_verify")


def _journal_emptied() -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # TRUNCATE fires no row trigger
        cursor.execute("TRUNCATE audit_auditevent, audit_journalbatch, audit_journalchain")


def main() -> None:
    os.environ.setdefault("JOURNAL_KEY", "bench-only-journal-key-0123456789")
    folder = installation(database="postgresql")
    try:
        django_ready()
        say(f"  old design: {WRITERS} writers for {SECONDS:.0f} s")
        old = _events_per_second("old")
        from beffroi.audit.models import AuditEvent

        with_old = AuditEvent.objects.count()
        _journal_emptied()  # the old rows carry the old chain: the new one starts afresh
        say(f"  new design: {WRITERS} writers for {SECONDS:.0f} s, the sealer beside them")
        new = _events_per_second("new")
        say(f"  {with_old} events the old way, {AuditEvent.objects.count()} the new way")
        _chain_is_whole()
        figure("journal_writers_per_s", new, "events/s")
        figure("journal_writers_per_s_old", old, "events/s")
        say(f"  new / old: {new / old:.1f}x (target >= 4x)")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
