"""Run the background worker and the periodic-job scheduler in one process.

Production may run as many of these as it likes (on PostgreSQL); pass
``--no-scheduler`` to all but a few if you prefer, it is safe either way.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from beffroi.core.periodic import enqueue_due_jobs

logger = logging.getLogger(__name__)


def _scheduler_loop(tick: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due_jobs()
        except Exception:
            # A database hiccup must not kill the scheduler; the next tick retries.
            logger.exception("Periodic scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick)


class Command(BaseCommand):
    help = "Runs background jobs and enqueues periodic ones when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--tick", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        stop = threading.Event()
        if not options["no_scheduler"]:
            tick = options["tick"] or float(settings.SCHEDULER_TICK_SECONDS)
            threading.Thread(
                target=_scheduler_loop, args=(tick, stop), name="scheduler", daemon=True
            ).start()
        try:
            call_command("db_worker", interval=options["interval"], queue_name="*", reload=False)
        finally:
            stop.set()
            time.sleep(0)
