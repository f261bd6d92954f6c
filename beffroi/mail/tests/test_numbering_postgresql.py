"""Register numbers under concurrency, on PostgreSQL (CI's PostgreSQL pass runs it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase
from django.utils import timezone

from beffroi.mail.models import Channel, MailItem
from beffroi.mail.services import mail_register
from beffroi.testing.threads import run_on_threads

THREADS = 8
PER_THREAD = 25


class Rollback(Exception):
    pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
class ConcurrentNumberingTests(TransactionTestCase):
    def test_parallel_registrations_get_gapless_unique_numbers_even_with_rollbacks(self) -> None:
        committed: list[str] = []
        lock = threading.Lock()

        def clerk(index: int) -> None:
            for count in range(PER_THREAD):
                try:
                    with transaction.atomic():
                        item = mail_register(
                            actor=None, channel=Channel.PAPER, subject=f"Lettre {index}-{count}"
                        )
                        if count % 5 == 4:
                            raise Rollback  # this clerk's transaction fails
                    with lock:
                        committed.append(item.number)
                except Rollback:
                    pass

        run_on_threads(clerk, count=THREADS)
        expected = THREADS * PER_THREAD * 4 // 5
        year = timezone.localdate().year
        numbers = sorted(MailItem.objects.values_list("number", flat=True))
        assert len(committed) == expected
        assert sorted(committed) == numbers
        assert numbers == [f"E-{year}-{n:06d}" for n in range(1, expected + 1)]
