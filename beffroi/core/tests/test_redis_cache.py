"""Django's own Redis cache on a real server started by the test: what the
rate limits and the sessions of several processes share."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from beffroi.core.throttle import throttle_hit
from beffroi.testing.servers import free_port


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: run `make test`, which installs it")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="beffroi-redis-")
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cache(redis_url: str) -> Iterator[RedisCache]:
    shared = RedisCache(redis_url, {})
    shared.clear()
    yield shared
    shared.close()


def test_values_round_trip_and_expire(cache: BaseCache) -> None:
    cache.set("greeting", {"fr": "Bonjour"}, timeout=60)
    assert cache.get("greeting") == {"fr": "Bonjour"}
    cache.set("brief", 1, timeout=1)
    time.sleep(1.2)
    assert cache.get("brief") is None


def test_a_count_opened_with_an_expiry_keeps_it(cache: BaseCache) -> None:
    """What django-ratelimit does: add() opens the window, incr() counts in it."""
    assert cache.add("window", 1, timeout=1)
    assert not cache.add("window", 1, timeout=1)
    assert cache.incr("window") == 2
    time.sleep(1.2)
    assert cache.get("window") is None


def _shared(redis_url: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def test_a_rate_limit_is_counted_on_the_shared_server(redis_url: str, settings: Any) -> None:
    settings.CACHES = _shared(redis_url)
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    results = [throttle_hit(request, group="t", rate="3/m") for _ in range(5)]
    assert results == [True, True, True, False, False]
    # Another thread has its own cache client, as another process would:
    # it sees the same count on the server.
    seen: list[bool] = []
    thread = threading.Thread(
        target=lambda: seen.append(throttle_hit(request, group="t", rate="3/m"))
    )
    thread.start()
    thread.join()
    assert seen == [False]
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    assert throttle_hit(elsewhere, group="t", rate="3/m")


@pytest.mark.django_db
def test_a_session_is_read_from_the_shared_cache_and_kept_in_the_database(
    redis_url: str, settings: Any
) -> None:
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = _shared(redis_url)
    session = SessionStore()
    session["drafts"] = ["a"]
    session.save()
    assert Session.objects.filter(session_key=session.session_key).exists()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(session.session_key)["drafts"] == ["a"]
    assert not queries.captured_queries
