"""The production server's configuration (deploy/uwsgi.ini) serves Beffroi.

uWSGI runs with the production settings, as docs/operations.md tells an
operator to start it; ``strict`` makes it refuse an option it does not know,
and ``need-app`` an application that fails to load, so a broken file fails
here rather than on the city's servers.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from beffroi.testing.servers import http_get, production_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "BEFFROI_DEMO", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "beffroi.settings",
            "SECRET_KEY": "k" * 20 + "-production-secret-9f8e7d6c5b4a3210zyxwvu",
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEFFROI_DATA_DIR": str(tmp_path),
            "CACHE_URL": "locmem://",
        }
    )
    with production_server(env=env, processes=2, log=tmp_path / "uwsgi.log") as running:
        yield running


def test_the_production_server_answers_with_beffroi(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, _ = server
    # Session, CSRF, drafts and messages cookies together pass 4 KB.
    status, body = http_get(port, "/_health", {"Cookie": "beffroi_drafts=" + "a" * 12_000})
    assert (status, body) == (200, b"ok")


def test_the_production_server_stops_on_sigterm(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, process = server
    process.terminate()
    process.wait(timeout=20)  # raises if it is still running
    with pytest.raises(ConnectionRefusedError):
        http_get(port, "/_health")
