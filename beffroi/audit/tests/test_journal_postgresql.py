"""The journal under concurrent writers, on PostgreSQL (CI's PostgreSQL
pass runs it): writers append at the same time, none waiting for another
(nor for the sealer running beside them), and the sealed chain is whole."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase

from beffroi.audit.models import AuditEvent
from beffroi.audit.services import audit_event_record, journal_seal
from beffroi.audit.tests.journal import roots_folder, verify
from beffroi.testing.threads import run_on_threads

WRITERS = 8
ROUNDS = 10

# Backends of this database waiting for a heavyweight lock (a row, a table,
# an advisory lock): what an append serialised behind another shows.
LOCK_WAITERS = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
class ConcurrentJournalTests(TransactionTestCase):
    def setUp(self) -> None:
        roots_folder(self)

    def test_eight_writers_append_at_once_without_waiting_and_the_chain_is_whole(self) -> None:
        # Each round, every writer holds its transaction open with its event
        # inserted until all eight are there: with a lock serialising
        # appends, the second writer would wait and the barrier time out.
        together = threading.Barrier(WRITERS, timeout=20)
        waiting: list[int] = []
        writing = threading.Event()
        writing.set()

        def writer(index: int) -> None:
            for count in range(ROUNDS):
                with transaction.atomic():
                    audit_event_record(
                        actor=None,
                        action="test.concurrent",
                        target=("test.writer", index),
                        data={"writer": index, "n": count},
                    )
                    if together.wait() == 0:
                        with connection.cursor() as cursor:
                            cursor.execute(LOCK_WAITERS)
                            waiting.append(cursor.fetchone()[0])
                    together.wait()

        def work(index: int) -> None:
            if index < WRITERS:
                writer(index)
                return
            while writing.is_set():  # the sealer, sealing what was committed
                journal_seal()

        def writers_then_stop(index: int) -> None:
            try:
                work(index)
            finally:
                if index == 0:
                    writing.clear()

        run_on_threads(writers_then_stop, count=WRITERS + 1)
        assert waiting == [0] * ROUNDS
        journal_seal()
        assert AuditEvent.objects.count() == WRITERS * ROUNDS
        assert not AuditEvent.objects.filter(hash__isnull=True).exists()
        assert f"Journal intègre : {WRITERS * ROUNDS} événements vérifiés" in verify()
