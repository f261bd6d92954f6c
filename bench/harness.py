"""What the benchmarks share: a throw-away installation, a production server
and a load generator.

A benchmark module calls :func:`installation` first (before importing
Django), which points the settings at a fresh data folder and database, then
uses :func:`django_ready` to migrate and set Django up in its own process.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from beffroi.signatures.localpki import (
    PASSPHRASE,
    free_port,
    local_pki_create,
    local_pki_server,
)
from beffroi.testing.servers import production_server as start_production_server

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def figure(name: str, value: float, unit: str) -> None:
    """Print one figure the way `make bench` reports it."""
    shown = f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
    print(f"{name}: {shown} {unit}", flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def schema_tag() -> str:
    """A short name for this version's database schema (its migrations), so
    a database seeded once and kept between runs matches the code using it."""
    import hashlib

    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("beffroi/*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def postgres_database(name: str, *, keep: bool = False) -> str:
    """A fresh database, or with ``keep`` the existing one (seeded volumes)."""
    import psycopg

    admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not keep:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not keep:
            c.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def _seal_from_a_local_pki(folder: Path) -> None:
    """Documents are sealed as in production: a local PKI's seal and TSA,
    served from this process for its whole life (the servers it starts
    inherit the settings)."""
    pki = local_pki_create(folder / "pki", port=free_port())
    server = local_pki_server(pki)
    threading.Thread(target=server.serve_forever, name="bench-pki", daemon=True).start()
    os.environ.update(
        {
            "SEAL_BACKEND": "pkcs12",
            "SEAL_PKCS12_FILE": str(pki.pkcs12_file()),
            "SEAL_PKCS12_PASSPHRASE": PASSPHRASE,
            "TSA_URL": pki.tsa_url,
        }
    )


def installation(*, database: str = "sqlite", keep: str | None = None) -> Path:
    """Point Beffroi's settings at a fresh folder (and database); return the folder.

    ``database`` is "sqlite" or "postgresql". ``keep`` names a PostgreSQL
    database to reuse between runs when it exists (large seeded volumes).
    """
    folder = Path(tempfile.mkdtemp(prefix="beffroi-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "beffroi.settings",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "BEFFROI_DATA_DIR": str(folder),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DEBUG": "false",
            "BEFFROI_DEMO": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # As in production: a cache shared by every process (sessions, rate limits).
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3"),
        }
    )
    os.environ.pop("DATABASE_URL", None)
    _seal_from_a_local_pki(folder)
    if database == "postgresql":
        os.environ["DATABASE_URL"] = postgres_database(
            keep or f"beffroi_bench_{os.getpid()}", keep=keep is not None
        )
    return folder


def django_ready(*, migrate: bool = True, static: bool = False) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    if static:
        call_command("collectstatic", verbosity=0, interactive=False)


def drop_installation(folder: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    shutil.rmtree(folder, ignore_errors=True)
    if url.startswith("postgres") and "beffroi_bench_" in url:
        from django.db import connections

        connections.close_all()
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(
            PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def production_server(*, workers: int = 4, env: dict[str, str] | None = None) -> Iterator[int]:
    """uWSGI as in production (deploy/uwsgi.ini, behind a proxy), on a free port.

    Its processes take turns accepting connections, and each closes the
    connection after its response, as the city's reverse proxy expects.
    ``env`` overrides some of this process's environment (another database).
    """
    with (
        tempfile.TemporaryDirectory(prefix="beffroi-uwsgi-") as folder,
        start_production_server(
            env={**os.environ, **(env or {})}, processes=workers, log=Path(folder) / "uwsgi.log"
        ) as (port, _),
    ):
        yield port


def requests_per_second(port: int, path: str, *, seconds: int = 8, connections: int = 8) -> float:
    """Requests per second that ``wrk`` (C, keep-alive, one thread) gets for ``path``.

    A load generator written in C keeps the client's own cost small, so the
    figure measures the server; it still shares the machine's two cores.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is missing: make bench installs it (apt-get install wrk)")
    result = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if rate is None:
        raise RuntimeError(f"wrk said: {result.stdout}{result.stderr}")
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        say(f"  {path}: wrk reported errors:\n{result.stdout}")
    return float(rate.group(1))


def server_times_ms(call: Callable[[], Any], *, repeat: int = 300, warmup: int = 20) -> list[float]:
    """Wall time of ``call`` in milliseconds, ``repeat`` times after a warm-up."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):.2f} ms, p95 {percentile(samples, 0.95):.2f} ms, "
        f"max {max(samples):.2f} ms over {len(samples)}"
    )


class WsgiCaller:
    """Calls Django's WSGI application in this process, as a server would:
    the server time of a request without the network or the test client."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def get(
        self, path: str, *, cookies: dict[str, str] | None = None, remote_addr: str = "127.0.0.1"
    ) -> tuple[int, bytes]:
        import io as _io

        path_only, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_only,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": remote_addr,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": _io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        status: list[str] = []

        def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code)
            return None

        body = b"".join(self.handler(environ, start_response))
        return int(status[0].split()[0]), body
