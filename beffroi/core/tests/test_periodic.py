from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import TestCase
from django.utils import timezone
from django_tasks import task

from beffroi.core.jobs import municipal
from beffroi.core.models import PeriodicJobState
from beffroi.core.periodic import _REGISTRY, enqueue_due_jobs, periodic
from beffroi.core.tenancy import current_municipality_id

CALLS: list[str] = []


@task()
@municipal
def _tick() -> None:
    CALLS.append(f"tick:{current_municipality_id()}")


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
        assert CALLS == ["tick:None", "tick:None"]

    def test_the_next_run_is_recorded(self) -> None:
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            enqueue_due_jobs()
        state = PeriodicJobState.objects.get(name=_tick.module_path)
        assert state.next_run_at == now + timedelta(minutes=5)


class FanOutTests(TestCase):
    """On a cooperative's installation a due run becomes one job per municipality."""

    def setUp(self) -> None:
        from beffroi.municipality.models import Municipality

        CALLS.clear()
        self.saved = dict(_REGISTRY)
        _REGISTRY.clear()
        self.tournai, self.antoing, self.flobecq = (
            Municipality.objects.create(name=f"Ville de {name}", slug=name.lower())
            for name in ("Tournai", "Antoing", "Flobecq")
        )
        self.flobecq.is_suspended = True
        self.flobecq.save()

    def tearDown(self) -> None:
        _REGISTRY.clear()
        _REGISTRY.update(self.saved)

    def test_each_active_municipality_runs_the_job_in_its_own_scope(self) -> None:
        periodic(every=timedelta(minutes=5))(_tick)
        enqueue_due_jobs()
        assert sorted(CALLS) == sorted([f"tick:{self.tournai.pk}", f"tick:{self.antoing.pk}"])

    def test_only_the_municipalities_with_work_get_a_job(self) -> None:
        periodic(every=timedelta(minutes=5), pending=lambda: [self.antoing.pk, None])(_tick)
        enqueue_due_jobs()
        assert [f"tick:{self.antoing.pk}"] == CALLS

    def test_the_first_served_changes_from_one_period_to_the_next(self) -> None:
        periodic(every=timedelta(minutes=5))(_tick)
        firsts = set()
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            for _ in range(2):
                CALLS.clear()
                enqueue_due_jobs()
                firsts.add(CALLS[0])
                traveller.shift(timedelta(minutes=5))
        assert firsts == {f"tick:{self.tournai.pk}", f"tick:{self.antoing.pk}"}

    def test_a_tick_with_nothing_due_costs_one_query(self) -> None:
        periodic(every=timedelta(minutes=5))(_tick)
        enqueue_due_jobs()
        with self.assertNumQueries(1):
            assert enqueue_due_jobs() == []
