"""pyHanko's synchronous API runs ``asyncio.run()``, which a thread whose
event loop is running cannot do (Playwright's sync API in the browser
tests, an async view): there, the call runs in a thread of its own."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def outside_any_event_loop(function: Callable[[], T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()
