"""A job is queued only if the change that causes it commits."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from beffroi.core.jobs import enqueue_on_commit, municipal

CALLS: list[int] = []


@task()
@municipal
def _remember(number: int) -> None:
    CALLS.append(number)


class RolledBack(Exception):
    pass


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class DatabaseQueueTests(TestCase):
    def test_the_job_is_written_in_the_transaction_that_causes_it(self) -> None:
        with transaction.atomic():
            enqueue_on_commit(_remember, number=1)
            # Already in the queue's table, inside the transaction: no commit hook.
            assert DBTaskResult.objects.filter(task_path=_remember.module_path).count() == 1
        assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {
            "number": 1,
            "municipality_id": None,
        }

    def test_a_job_queued_for_later_keeps_its_date(self) -> None:
        later = timezone.now() + timedelta(hours=1)
        enqueue_on_commit(_remember.using(run_after=later), number=6)
        assert DBTaskResult.objects.get().task_result.task.run_after == later

    def test_a_rolled_back_change_leaves_no_job(self) -> None:
        try:
            with transaction.atomic():
                enqueue_on_commit(_remember, number=2)
                raise RolledBack
        except RolledBack:
            pass
        assert not DBTaskResult.objects.exists()


class OtherQueueTests(TestCase):
    """The tests' queue runs jobs at once: they wait for the commit."""

    def setUp(self) -> None:
        CALLS.clear()

    def test_the_job_runs_after_the_commit_only(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            enqueue_on_commit(_remember, number=3)
            assert CALLS == []
        assert CALLS == [3]

    def test_a_rolled_back_change_runs_no_job(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    enqueue_on_commit(_remember, number=4)
                    raise RolledBack
            except RolledBack:
                pass
        assert CALLS == []
