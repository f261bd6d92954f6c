"""Background jobs: queued with the transaction that causes them, run by the worker.

One pool of workers serves every municipality of the installation: each job
carries the municipality it was queued for (``municipality_id``) and runs in
its scope (``municipal``), so the job's queries, files and emails are that
municipality's and no other's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from beffroi.core.tenancy import current_municipality_id, municipality_scope

P = ParamSpec("P")
R = TypeVar("R")


def municipal(function: Callable[P, R]) -> Callable[..., R]:
    """A job body that runs in the scope of the municipality it was queued for.

    Jobs queued before municipalities had ids (or on a lone city's
    installation) carry none and run for the sole city.
    """

    @functools.wraps(function)
    def run(*args: Any, municipality_id: int | None = None, **kwargs: Any) -> R:
        with municipality_scope(municipality_id):
            return function(*args, **kwargs)

    return run


def enqueue_on_commit(task: Task[..., Any], /, **kwargs: Any) -> None:
    """Queue ``task`` for the current municipality so that it runs only if the
    current transaction commits.

    With the database queue the job is written in the transaction itself: it
    commits or rolls back with the change that caused it, and costs no
    transaction of its own. Other queues receive it once the transaction has
    committed (at once if there is none).
    """
    kwargs.setdefault("municipality_id", current_municipality_id())
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs))
