from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import TestCase
from django.utils import timezone
from django_tasks import task

from beffroi.core.jobs import municipal
from beffroi.core.models import PeriodicJobState
from beffroi.core.periodic import (
    _PENDING_SEES_ALL,
    _REGISTRY,
    enqueue_due_jobs,
    periodic,
    registered_jobs,
)
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


class IdleTickTests(TestCase):
    """The installation's own jobs, every one due, on a cooperative's
    installation where no municipality has anything to do."""

    def setUp(self) -> None:
        from beffroi.municipality.selectors import active_municipality_ids

        self.municipality_ids = [self._municipality_add(index) for index in range(3)]
        assert len(active_municipality_ids()) == 3

    def tearDown(self) -> None:
        _PENDING_SEES_ALL.clear()

    def _municipality_add(self, index: int) -> int:
        from beffroi.municipality.models import Municipality

        slug = f"commune-{index:03d}"
        return Municipality.objects.create(name=f"Commune {index:03d}", slug=slug).pk

    def _all_due(self) -> None:
        PeriodicJobState.objects.all().delete()
        past = timezone.now() - timedelta(days=1)
        PeriodicJobState.objects.bulk_create(
            PeriodicJobState(name=job.name, next_run_at=past) for job in registered_jobs()
        )

    def _due_tick_queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from beffroi.municipality.selectors import active_municipality_ids

        self._all_due()
        active_municipality_ids()  # the directory, read once per process and kept
        with CaptureQueriesContext(connection) as queries:
            assert enqueue_due_jobs() == [job.name for job in registered_jobs()]
        return len(queries)

    def test_every_periodic_job_says_which_municipalities_have_work(self) -> None:
        assert registered_jobs()
        assert [job.name for job in registered_jobs() if job.pending is None] == []

    def test_an_idle_tick_costs_one_query_with_many_municipalities(self) -> None:
        for index in range(3, 40):
            self._municipality_add(index)
        self._all_due()
        enqueue_due_jobs()
        with self.assertNumQueries(1):
            assert enqueue_due_jobs() == []

    def test_a_due_tick_with_nothing_to_do_costs_the_same_for_40_municipalities_as_for_3(
        self,
    ) -> None:
        few = self._due_tick_queries()
        for index in range(3, 40):
            self._municipality_add(index)
        from beffroi.municipality.selectors import directory_forget

        directory_forget()
        many = self._due_tick_queries()
        assert many == few
        # The states, then per job its claim (an UPDATE in a savepoint: three)
        # and its one `pending` query (the mailbox's asks none without a mailbox).
        jobs = len(registered_jobs())
        assert many == 1 + 3 * jobs + (jobs - 1), many

    def test_pending_names_only_the_municipalities_with_work(self) -> None:
        from beffroi.audit.services import municipalities_with_unsealed_events
        from beffroi.notifications.delivery import municipalities_with_emails_due
        from beffroi.notifications.models import OutgoingEmail

        busy = self.municipality_ids[1]
        assert municipalities_with_emails_due() == []
        OutgoingEmail.all_municipalities.create(
            municipality_id=busy,
            to="a@example.org",
            subject="s",
            body_text="b",
            next_attempt_at=timezone.now(),
        )
        assert municipalities_with_emails_due() == [busy]
        from beffroi.audit.services import audit_event_record
        from beffroi.core.tenancy import municipality_scope

        before = set(municipalities_with_unsealed_events())
        with municipality_scope(busy):
            audit_event_record(actor=None, action="test.done", target=("test", 1))
        assert set(municipalities_with_unsealed_events()) == before | {busy}

    def test_where_pending_cannot_see_every_municipality_each_runs_the_job(self) -> None:
        """PostgreSQL's row-level security hides everything from a role that
        does not bypass it: `pending` would say nobody has work."""
        saved = dict(_REGISTRY)
        CALLS.clear()
        try:
            _REGISTRY.clear()
            periodic(every=timedelta(minutes=5), pending=list)(_tick)
            _PENDING_SEES_ALL[:] = [False]
            enqueue_due_jobs()
        finally:
            _REGISTRY.clear()
            _REGISTRY.update(saved)
        assert sorted(CALLS) == sorted(f"tick:{pk}" for pk in self.municipality_ids)
