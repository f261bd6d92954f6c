"""Background jobs: queued after the transaction commits, run by the worker."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task[..., Any], /, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits (now if none)."""
    transaction.on_commit(partial(task.enqueue, **kwargs))
