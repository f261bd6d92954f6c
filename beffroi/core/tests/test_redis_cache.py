"""The shared cache on a real Redis server, started by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache.backends.base import BaseCache

from beffroi.core.cache import BeffroiRedisCache
from beffroi.core.ratelimit import ratelimit_hit
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
def cache(redis_url: str) -> Iterator[BeffroiRedisCache]:
    shared = BeffroiRedisCache(redis_url, {})
    shared.clear()
    yield shared
    shared.close()


def test_values_round_trip_and_expire(cache: BaseCache) -> None:
    cache.set("greeting", {"fr": "Bonjour"}, timeout=60)
    assert cache.get("greeting") == {"fr": "Bonjour"}
    cache.set("brief", 1, timeout=1)
    time.sleep(1.2)
    assert cache.get("brief") is None


def test_incr_counts_an_existing_key_only(cache: BaseCache) -> None:
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    assert cache.get("missing") is None  # never created without its expiry
    cache.add("hits", 1, timeout=60)
    assert cache.incr("hits") == 2
    assert cache.incr("hits", 5) == 7
    assert cache.get("hits") == 7


def test_incr_keeps_the_expiry(cache: BaseCache) -> None:
    cache.add("window", 1, timeout=1)
    cache.incr("window")
    time.sleep(1.2)
    assert cache.get("window") is None


def test_a_hit_opens_its_window_with_an_expiry(cache: BeffroiRedisCache) -> None:
    assert [cache.hit("window", 1) for _ in range(3)] == [1, 2, 3]
    assert cache.get("window") == 3
    time.sleep(1.2)
    assert cache.get("window") is None
    assert cache.hit("window", 60) == 1


def test_the_rate_limit_counts_on_the_shared_server(redis_url: str, settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "beffroi.core.cache.BeffroiRedisCache", "LOCATION": redis_url},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    results = [ratelimit_hit(scope="t", key="10.0.0.1", limit=3, period=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit_hit(scope="t", key="10.0.0.2", limit=3, period=60)  # another address


@pytest.mark.django_db
def test_a_new_session_is_created_without_asking_whether_its_key_is_taken(
    redis_url: str, settings: Any
) -> None:
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beffroi.core.sessions import SessionStore

    settings.CACHES = {
        "default": {"BACKEND": "beffroi.core.cache.BeffroiRedisCache", "LOCATION": redis_url},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    session = SessionStore()
    session["drafts"] = ["a"]
    with CaptureQueriesContext(connection) as queries:
        session.save()
    assert not any("SELECT" in query["sql"] for query in queries.captured_queries)
    assert Session.objects.filter(session_key=session.session_key).exists()
    # Read back from the cache, without the database.
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(session.session_key)["drafts"] == ["a"]
    assert not queries.captured_queries
    # A key already taken is refused by the database, and another one drawn.
    taken = session.session_key
    keys = iter([str(taken), "b" * 32])

    class Unlucky(SessionStore):
        def _get_new_session_key(self) -> str:
            return next(keys)

    again = Unlucky()
    again["x"] = 1
    again.save()
    assert again.session_key == "b" * 32
    assert SessionStore(taken)["drafts"] == ["a"]
