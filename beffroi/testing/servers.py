"""Servers the tests and benchmarks start on this machine: free ports, and
Beffroi's production web server as docs/operations.md starts it.

Nothing here imports Django: the benchmark harness uses it before setting
Django up.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UWSGI_CONFIG = ROOT / "deploy" / "uwsgi.ini"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(
    port: int, path: str, headers: Mapping[str, str] | None = None, *, timeout: float = 5
) -> tuple[int, bytes]:
    """(status, body) of a GET on 127.0.0.1:``port``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def production_server(
    *, env: Mapping[str, str], processes: int, log: Path
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """uWSGI with ``deploy/uwsgi.ini`` on a free port, once it answers
    ``/_health``: (port, process). Its output goes to ``log``; stopped on exit."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command, no user input
            [
                str(Path(sys.executable).with_name("uwsgi")),
                "--ini",
                str(UWSGI_CONFIG),
                f"--http-socket=127.0.0.1:{port}",
                f"--processes={processes}",
            ],
            cwd=ROOT,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            # Every process loaded (lazy-apps: each imports Beffroi itself; a
            # process still importing is slow to stop) and one answering.
            loaded = log.read_text(errors="replace").count("(default app)") >= processes
            with contextlib.suppress(OSError):
                if loaded and http_get(port, "/_health", timeout=2)[0] == 200:
                    break
            time.sleep(0.2)
        else:
            output_tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"uWSGI did not start:\n{output_tail}")
        yield port, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # A loaded machine: the stop on SIGTERM has its own test.
                process.kill()
                process.wait(timeout=20)
