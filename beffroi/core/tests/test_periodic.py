from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import TestCase
from django.utils import timezone
from django_tasks import task

from beffroi.core.models import PeriodicJobState
from beffroi.core.periodic import _REGISTRY, enqueue_due_jobs, periodic

CALLS: list[str] = []


@task()
def _tick() -> None:
    CALLS.append("tick")


class PeriodicJobTests(TestCase):
    def setUp(self) -> None:
        CALLS.clear()
        self.saved = dict(_REGISTRY)
        _REGISTRY.clear()
        periodic(every=timedelta(minutes=5))(_tick)

    def tearDown(self) -> None:
        _REGISTRY.clear()
        _REGISTRY.update(self.saved)

    def test_a_due_job_is_enqueued_once_per_period(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert enqueue_due_jobs() == [_tick.module_path]
            assert enqueue_due_jobs() == []  # a second scheduler finds it claimed
            traveller.shift(timedelta(minutes=4))
            assert enqueue_due_jobs() == []
            traveller.shift(timedelta(minutes=2))
            assert enqueue_due_jobs() == [_tick.module_path]
        assert CALLS == ["tick", "tick"]

    def test_the_next_run_is_recorded(self) -> None:
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            enqueue_due_jobs()
        state = PeriodicJobState.objects.get(name=_tick.module_path)
        assert state.next_run_at == now + timedelta(minutes=5)
