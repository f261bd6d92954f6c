"""Gapless counters: the one UPDATE … RETURNING gives what the ORM would."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.test import TestCase

from beffroi.core.counters import counter_next
from beffroi.core.models import Counter


class CounterTests(TestCase):
    def test_a_new_counter_starts_at_one_and_then_counts_without_gaps(self) -> None:
        with transaction.atomic():
            numbers = [counter_next(name="test-register") for _ in range(5)]
        assert numbers == [1, 2, 3, 4, 5]

    def test_the_returned_number_is_what_the_orm_reads_after_its_own_update(self) -> None:
        with transaction.atomic():
            counter_next(name="compared")
            taken = counter_next(name="compared")
            assert Counter.objects.get(name="compared").value == taken
            Counter.objects.filter(name="compared").update(value=F("value") + 1)
            by_orm = Counter.objects.get(name="compared").value
            assert counter_next(name="compared") == by_orm + 1
