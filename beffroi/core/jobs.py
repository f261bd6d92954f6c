"""Background jobs: queued with the transaction that causes them, run by the worker."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task: Task[..., Any], /, **kwargs: Any) -> None:
    """Queue ``task`` so that it runs only if the current transaction commits.

    With the database queue the job is written in the transaction itself: it
    commits or rolls back with the change that caused it, and costs no
    transaction of its own. Other queues receive it once the transaction has
    committed (at once if there is none).
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs))
