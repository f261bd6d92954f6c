"""The production server's configuration (deploy/uwsgi.ini) serves Beffroi.

uWSGI runs with the production settings, as docs/operations.md tells an
operator to start it; ``strict`` makes it refuse an option it does not know,
and ``need-app`` an application that fails to load, so a broken file fails
here rather than on the city's servers.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


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
    port = _free_port()
    log = tmp_path / "uwsgi.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command, no user input
            [
                str(Path(sys.executable).with_name("uwsgi")),
                "--ini",
                str(ROOT / "deploy" / "uwsgi.ini"),
                f"--http-socket=127.0.0.1:{port}",
                "--processes=2",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if _get(port, "/_health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"uWSGI did not start:\n{log.read_text(errors='replace')[-3000:]}")
        yield port, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def test_the_production_server_answers_with_beffroi(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, _ = server
    # Session, CSRF, drafts and messages cookies together pass 4 KB.
    status, body = _get(port, "/_health", {"Cookie": "beffroi_drafts=" + "a" * 12_000})
    assert (status, body) == (200, b"ok")


def test_the_production_server_stops_on_sigterm(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, process = server
    process.terminate()
    process.wait(timeout=20)  # raises if it is still running
    with pytest.raises(ConnectionRefusedError):
        _get(port, "/_health")
