"""The home of periodic jobs (deadlines, reminders, retention...).

An app registers a job in its ``tasks.py``::

    @periodic(every=timedelta(minutes=1), pending=municipalities_with_due_timers)
    @task()
    @municipal
    def fire_due_timers() -> None: ...

The scheduler (run by ``manage.py beffroi_worker``) enqueues each job when it
is due. Several schedulers may run at once: each due run is claimed by a
conditional UPDATE, so a job is enqueued once per period whatever the number
of workers.

On an installation with several municipalities a due run is fanned out: one
job per municipality that has work (``pending`` answers which, in one
query; without it, every municipality), each in its scope, queued in an order
that turns with every period so no municipality always waits behind the
others, and all of them taken by the same pool of workers. A municipality
with nothing to do costs nothing but its share of the ``pending`` query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from beffroi.core.models import PeriodicJobState

logger = logging.getLogger(__name__)

Pending = Callable[[], Iterable[int | None]]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[..., Any]
    every: timedelta
    pending: Pending | None = None


_REGISTRY: dict[str, PeriodicJob] = {}
_MUNICIPALITIES: list[Callable[[], Sequence[int]]] = []


def periodic(
    *, every: timedelta, pending: Pending | None = None
) -> Callable[[Task[..., Any]], Task[..., Any]]:
    def register(task: Task[..., Any]) -> Task[..., Any]:
        name = task.module_path
        _REGISTRY[name] = PeriodicJob(name=name, task=task, every=every, pending=pending)
        return task

    return register


def municipalities_register(function: Callable[[], Sequence[int]]) -> None:
    """Where the scheduler reads the installation's municipalities (registered by that app)."""
    _MUNICIPALITIES[:] = [function]


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def fan_out_order(municipality_ids: Iterable[int], *, job: PeriodicJob, now: datetime) -> list[int]:
    """The municipalities of one run, starting at a place that moves every period."""
    ordered = sorted(set(municipality_ids))
    if not ordered:
        return []
    turn = int(now.timestamp() // max(job.every.total_seconds(), 1)) % len(ordered)
    return ordered[turn:] + ordered[:turn]


def _enqueue_run(job: PeriodicJob, now: datetime) -> int:
    municipalities = list(_MUNICIPALITIES[0]()) if _MUNICIPALITIES else []
    if len(municipalities) <= 1:
        # A lone city (or one not set up yet): one run, for it.
        job.task.enqueue(municipality_id=municipalities[0] if municipalities else None)
        return 1
    known = set(municipalities)
    candidates = (
        municipalities
        if job.pending is None
        else [m for m in job.pending() if m is not None and m in known]
    )
    order = fan_out_order(candidates, job=job, now=now)
    for municipality_id in order:
        job.task.enqueue(municipality_id=municipality_id)
    return len(order)


def enqueue_due_jobs() -> list[str]:
    """Enqueue every periodic job whose time has come; return their names.

    A tick with nothing due costs one query, however many municipalities.
    """
    now = timezone.now()
    enqueued: list[str] = []
    next_runs = dict(PeriodicJobState.objects.values_list("name", "next_run_at"))
    for job in registered_jobs():
        if job.name not in next_runs:
            PeriodicJobState.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        elif next_runs[job.name] > now:
            continue
        with transaction.atomic():
            claimed = PeriodicJobState.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_enqueued_at=now
            )
            if claimed:
                _enqueue_run(job, now)
                enqueued.append(job.name)
    if enqueued:
        logger.info("Enqueued periodic jobs: %s", ", ".join(enqueued))
    return enqueued
