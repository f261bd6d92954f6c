"""The journal's chain under concurrent writers, on PostgreSQL (CI's
PostgreSQL pass runs it): each append waits for the previous one's commit
and chains to it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase

from beffroi.audit.models import AuditEvent
from beffroi.audit.selectors import audit_chain_problems
from beffroi.audit.services import audit_event_record
from beffroi.municipality.models import Service
from beffroi.testing.threads import run_on_threads

THREADS = 6
PER_THREAD = 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's locks")
class ConcurrentJournalTests(TransactionTestCase):
    def test_writers_appending_at_once_make_one_unbroken_chain(self) -> None:
        service = Service.objects.create(code="population", name="Population")

        def writer(index: int) -> None:
            for count in range(PER_THREAD):
                with transaction.atomic():
                    audit_event_record(
                        actor=None,
                        action="test.concurrent",
                        target=service,
                        data={"writer": index, "n": count},
                    )
                    # More work after the append, the chain's lock held.
                    Service.objects.filter(pk=service.pk).update(name=f"Population {count}")

        run_on_threads(writer, count=THREADS)
        positions = list(AuditEvent.objects.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, THREADS * PER_THREAD + 1))
        assert list(audit_chain_problems()) == []
