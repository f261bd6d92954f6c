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

``pending`` runs outside any municipality's scope, through the models'
``all_municipalities``. On PostgreSQL, row-level security shows such a query
no municipal row unless the worker's role bypasses it (superuser,
``BYPASSRLS``): there ``pending`` would answer "nobody" and the work would
never run, so the scheduler asks it only where it can see every
municipality's rows, and fans every run out to all of them otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import Task

from beffroi.core.models import PeriodicJobState
from beffroi.core.rls import current_role, rls_applies

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
# Whether ``pending`` sees every municipality's rows (the role does not change in a process).
_PENDING_SEES_ALL: list[bool] = []


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


def municipalities_among(rows: QuerySet[Any]) -> list[int | None]:
    """The municipalities some of ``rows`` (read through a model's
    ``all_municipalities``) belong to, in one ``DISTINCT`` query: a ``pending``
    for rows an index finds without their municipality (the journal's
    unsealed events, open payments). Where the index leads with the
    municipality, ``municipality.selectors.municipalities_having`` probes it
    once per municipality instead."""
    return list(rows.order_by().values_list("municipality_id", flat=True).distinct())


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def fan_out_order(municipality_ids: Iterable[int], *, job: PeriodicJob, now: datetime) -> list[int]:
    """The municipalities of one run, starting at a place that moves every period."""
    ordered = sorted(set(municipality_ids))
    if not ordered:
        return []
    turn = int(now.timestamp() // max(job.every.total_seconds(), 1)) % len(ordered)
    return ordered[turn:] + ordered[:turn]


def pending_sees_every_municipality() -> bool:
    """Whether a query outside any scope sees every municipality's rows: always
    without row-level security, on PostgreSQL only for a role that bypasses it.
    Asked once per process."""
    if not _PENDING_SEES_ALL:
        sees_all = True
        if rls_applies(connection):
            role = current_role(connection)
            sees_all = role.superuser or role.bypassrls
            if not sees_all:
                logger.warning(
                    "Row-level security hides municipal rows from the scheduler's role %s: "
                    "periodic jobs run for every municipality, with work or not.",
                    role.name,
                )
        _PENDING_SEES_ALL.append(sees_all)
    return _PENDING_SEES_ALL[0]


def _enqueue_run(job: PeriodicJob, now: datetime) -> int:
    municipalities = list(_MUNICIPALITIES[0]()) if _MUNICIPALITIES else []
    if len(municipalities) <= 1:
        # A lone city (or one not set up yet): one run, for it.
        job.task.enqueue(municipality_id=municipalities[0] if municipalities else None)
        return 1
    known = set(municipalities)
    candidates = (
        municipalities
        if job.pending is None or not pending_sees_every_municipality()
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
