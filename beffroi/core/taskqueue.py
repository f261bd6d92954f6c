"""The background jobs' queue: django_tasks_db's, each job written by one
fixed statement.

Every submission queues its email here. The ORM's ``create`` compiled the
same INSERT at each job and cost about a fifth of sending a request;
:func:`~beffroi.core.rows.row_insert` writes the same row. The library sets
a job without a date to run "whenever" in a ``pre_save`` handler, which
``row_insert`` does not send: that is done here (test_jobs checks that both
write the same row).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from beffroi.core.rows import row_insert


class DatabaseBackend(LibraryBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        return row_insert(
            DBTaskResult(
                id=self._get_id(),
                args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after or get_date_max(),
                backend_name=self.alias,
            )
        )
