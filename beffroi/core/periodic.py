"""The home of periodic jobs (deadlines, reminders, retention...).

An app registers a job in its ``tasks.py``::

    @periodic(every=timedelta(minutes=1))
    @task()
    def fire_due_timers() -> None: ...

The scheduler (run by ``manage.py beffroi_worker``) enqueues each job when it
is due. Several schedulers may run at once: each due run is claimed by a
conditional UPDATE, so a job is enqueued once per period whatever the number
of workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from beffroi.core.models import PeriodicJobState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[[], Any]
    every: timedelta


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta) -> Callable[[Task[[], Any]], Task[[], Any]]:
    def register(task: Task[[], Any]) -> Task[[], Any]:
        name = task.module_path
        _REGISTRY[name] = PeriodicJob(name=name, task=task, every=every)
        return task

    return register


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def enqueue_due_jobs() -> list[str]:
    """Enqueue every periodic job whose time has come; return their names."""
    now = timezone.now()
    enqueued: list[str] = []
    for job in registered_jobs():
        PeriodicJobState.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicJobState.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_enqueued_at=now
            )
            if claimed:
                job.task.enqueue()
                enqueued.append(job.name)
    if enqueued:
        logger.info("Enqueued periodic jobs: %s", ", ".join(enqueued))
    return enqueued
