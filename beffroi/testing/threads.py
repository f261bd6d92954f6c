"""Running test code on several threads at once, each with its own
database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def run_on_threads(work: Callable[[int], None], *, count: int, timeout: float = 300) -> None:
    """Run ``work(index)`` on ``count`` threads released together; raise the
    first error any of them met. Each thread closes its connections."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def thread_body(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # reported to the calling thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread_body, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise AssertionError(f"{len(errors)} thread(s) failed: {errors!r}") from errors[0]
