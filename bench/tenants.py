"""One installation, many municipalities: what the 300th costs the others.

On PostgreSQL, as the cooperative runs it:

- ``tenants_overhead_ratio``: the catalogue page and complete submissions
  per second on one municipality's host with 300 municipalities on the
  installation, over the same with that municipality alone (the smaller of
  the two ratios; target >= 0.9). ``tenants_catalogue_ratio`` and
  ``tenants_submit_ratio`` are each one's. Both installations are served at
  once by uWSGI as in production, measured in interleaved rounds (median of the
  ratios), so the machine's noise hits both alike.
- ``worker_idle_cpu_pct``: the CPU the worker (``manage.py beffroi_worker``,
  scheduler included) takes with 300 municipalities and nothing to do, in %
  of one core (target < 2).
- ``worker_idle_cpu_app_role_pct``: the same with the worker connected as
  production's application role (no ``BYPASSRLS``, docs/operations.md):
  row-level security hides every municipality's rows from its ``pending``
  queries, so each periodic run goes to all 300 (core/periodic.py).
- ``migrate_noop_s`` / ``migrate_noop_1_s``: ``manage.py migrate`` with
  nothing to apply, with 300 municipalities and with one (target < 10 s).

Every municipality is made by the cooperative's service
(``municipality_create``: hosts, first service, first administrator); the
measured one and a few others get the shipped catalogue, the others a
minimal one (the test procedure). The measured one is the same row in both
databases: the one-municipality database is a copy (``CREATE DATABASE ...
TEMPLATE``) of the other before the 299 others are added.
``BENCH_TENANTS`` changes the number.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.cases import _one_submission, _submissions_per_second
from bench.harness import (
    PG_ADMIN_URL,
    ROOT,
    django_ready,
    drop_installation,
    figure,
    installation,
    production_server,
    requests_per_second,
    say,
)

TENANTS = int(os.environ.get("BENCH_TENANTS", "300"))
# How many municipalities get the whole shipped catalogue (the measured one first).
FULL_CATALOGUES = 5
MEASURED_HOST = "127.0.0.1"  # what the load generators send (with the port)
# Many short rounds: the machine's load, shared with others, changes less
# within one round than between two.
CATALOGUE_ROUNDS, CATALOGUE_SECONDS = 12, 2
SUBMIT_ROUNDS, SUBMIT_SECONDS = 8, 5
MIGRATE_RUNS = 3
WORKER_SECONDS = float(os.environ.get("BENCH_WORKER_SECONDS", "45"))
WARM_UP_TICKS = 15  # seconds: the scheduler's tick (SCHEDULER_TICK_SECONDS)
# Each installation its own shared cache, as two installations would have,
# emptied first: the same municipality ids in another run's database must
# not find that run's pages.
CACHE_MANY = os.environ.get("BENCH_TENANTS_CACHE_URL", "redis://127.0.0.1:6379/7")
CACHE_ONE = os.environ.get("BENCH_TENANTS_ONE_CACHE_URL", "redis://127.0.0.1:6379/8")


def _caches_empty() -> None:
    import redis

    for url in (CACHE_MANY, CACHE_ONE):
        redis.Redis.from_url(url).flushdb()


def _municipality_add(index: int, *, host: str | None = None) -> int:
    from beffroi.catalogue.services import catalogue_import
    from beffroi.cooperative.services import municipality_create
    from beffroi.core.tenancy import municipality_scope
    from beffroi.demo.loading import load_services
    from beffroi.testing.procedures import install_test_procedure

    slug = f"commune-{index:03d}"
    hosts = [host] if host else []
    hosts += [f"eguichet.{slug}.example", f"{slug}.guichet.example"]
    municipality = municipality_create(
        actor=None,
        slug=slug,
        name=f"Commune {index:03d}",
        hosts=hosts,
        admin_email=f"admin@{slug}.example",
        admin_first_name="Anne",
        admin_last_name=f"Admin {index:03d}",
    )
    with municipality_scope(municipality.pk):
        load_services()
        if index < FULL_CATALOGUES:
            catalogue_import(actor=None)
        install_test_procedure()
    return municipality.pk


def _database_copy(source_url: str, name: str) -> str:
    """A copy of the database (none may be connected to it meanwhile)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    source = source_url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return f"{source_url.rsplit('/', 1)[0]}/{name}"


def _analyze(url: str) -> None:
    """As autovacuum leaves the tables in service: statistics and visibility map."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute("VACUUM ANALYZE")


def _database_drop(url: str) -> None:
    import psycopg

    admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )


def _migrate_noop_s(env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = _manage("migrate", "--noinput", env=env)
    elapsed = time.perf_counter() - started
    assert "No migrations to apply" in result.stdout, result.stdout
    return elapsed


def _throughput(many: dict[str, str], one: dict[str, str]) -> tuple[float, float]:
    """(catalogue ratio, submissions ratio), 300 over 1: the median of the
    rounds' ratios, each round measuring both one after the other (in an
    order that alternates), so a change of the machine's load between rounds
    hits both sides of a ratio alike."""
    from beffroi.documents.sniff import sample_pdf

    rates: dict[str, dict[str, list[float]]] = {
        label: {"catalogue": [], "submit": []} for label in ("many", "one")
    }
    with production_server(env=many) as many_port, production_server(env=one) as one_port:
        ports = {"many": many_port, "one": one_port}
        for port in ports.values():
            assert _one_submission(port, sample_pdf("essai")), "a submission failed"
            requests_per_second(port, "/", seconds=2)  # warm every worker's caches
        for turn in range(CATALOGUE_ROUNDS):
            for label in ("many", "one") if turn % 2 == 0 else ("one", "many"):
                rates[label]["catalogue"].append(
                    requests_per_second(ports[label], "/", seconds=CATALOGUE_SECONDS)
                )
        for turn in range(SUBMIT_ROUNDS):
            for label in ("many", "one") if turn % 2 == 0 else ("one", "many"):
                rates[label]["submit"].append(
                    _submissions_per_second(ports[label], seconds=SUBMIT_SECONDS)
                )
    say(f"  rounds (req/s, submissions/s): {rates}")
    ratios = {
        kind: [m / o for m, o in zip(rates["many"][kind], rates["one"][kind], strict=True)]
        for kind in ("catalogue", "submit")
    }
    say(f"  ratios by round: {ratios}")
    return statistics.median(ratios["catalogue"]), statistics.median(ratios["submit"])


def _work_left() -> dict[str, int]:
    """What the worker still has to do, across municipalities."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from beffroi.audit.models import AuditEvent
    from beffroi.notifications.models import OutgoingEmail

    return {
        "jobs": DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).count(),
        "unsealed_events": AuditEvent.all_municipalities.unsealed().count(),
        "emails_queued": OutgoingEmail.all_municipalities.filter(
            status=OutgoingEmail.Status.QUEUED
        ).count(),
    }


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime are the stat file's 14th and 15th fields.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _app_role_create(database_url: str) -> tuple[str, str]:
    """A role as production's application role (neither superuser nor
    ``BYPASSRLS``), granted its rights by ``migrate``; (its name, its URL)."""
    import psycopg

    role = f"beffroi_bench_app_{os.getpid()}"
    admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
    _manage("migrate", "--noinput", env={"DATABASE_URL": database_url, "DATABASE_APP_ROLE": role})
    scheme, rest = database_url.split("://", 1)
    return role, f"{scheme}://{role}@{rest.split('@', 1)[1]}"


def _role_drop(role: str) -> None:
    import psycopg

    admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP ROLE IF EXISTS "{role}"')


def _worker_idle_cpu_pct(env: dict[str, str], *, backlog: bool = True) -> float:
    from django_tasks_db.models import DBTaskResult

    from beffroi.core.models import PeriodicJobState
    from beffroi.core.periodic import registered_jobs

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "beffroi_worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # First the backlog (the administrators' e-mails, the journal, the
        # submissions' e-mails), and every periodic job's first run.
        deadline = time.monotonic() + (600 if backlog else 0)
        time.sleep(0 if backlog else 2 * WARM_UP_TICKS)
        while time.monotonic() < deadline:
            time.sleep(3)
            left = _work_left()
            started = PeriodicJobState.objects.count() >= len(registered_jobs())
            if started and not any(left.values()):
                break
        else:
            if backlog:
                raise RuntimeError(f"the worker did not finish its backlog: {left}")
        say(f"  worker: {_work_left()} left to do; measuring")
        jobs_before = DBTaskResult.objects.count()
        cpu_before, wall_before = _cpu_seconds(worker.pid), time.monotonic()
        time.sleep(WORKER_SECONDS)
        cpu = _cpu_seconds(worker.pid) - cpu_before
        wall = time.monotonic() - wall_before
        jobs = DBTaskResult.objects.count() - jobs_before
        say(f"  worker idle: {cpu:.2f} s of CPU in {wall:.0f} s, {jobs} job(s) run meanwhile")
        assert worker.poll() is None, "the worker stopped"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=20)
    return 100 * cpu / wall


def main() -> None:
    os.environ.setdefault("JOURNAL_KEY", "bench-only-journal-key-0123456789")
    folder = installation(database="postgresql")
    os.environ["CACHE_URL"] = CACHE_MANY
    _caches_empty()
    many_url = os.environ["DATABASE_URL"]
    one_url = role = ""
    try:
        django_ready(static=True)
        started = time.monotonic()
        _municipality_add(0, host=MEASURED_HOST)
        one_url = _database_copy(many_url, many_url.rsplit("/", 1)[1] + "_one")
        for index in range(1, TENANTS):
            _municipality_add(index)
            if index % 50 == 0:
                say(f"  {index + 1} municipalities ({time.monotonic() - started:.0f} s)")
        say(f"  {TENANTS} municipalities created in {time.monotonic() - started:.0f} s")
        from django.db import connections

        connections.close_all()
        for url in (many_url, one_url):
            _analyze(url)
        many = {"DATABASE_URL": many_url}
        one = {"DATABASE_URL": one_url, "CACHE_URL": CACHE_ONE}

        migrate_many, migrate_one = [], []
        for _ in range(MIGRATE_RUNS):
            migrate_many.append(_migrate_noop_s(many))
            migrate_one.append(_migrate_noop_s(one))
        say(f"  migrate with nothing to apply: {migrate_many} (300), {migrate_one} (1)")

        catalogue_ratio, submit_ratio = _throughput(many, one)
        idle = _worker_idle_cpu_pct(many)
        # As docs/operations.md runs it on PostgreSQL: the application's role,
        # which row-level security holds to each municipality's rows.
        role, app_url = _app_role_create(many_url)
        idle_app_role = _worker_idle_cpu_pct({"DATABASE_URL": app_url}, backlog=False)

        figure("tenants_overhead_ratio", min(catalogue_ratio, submit_ratio), "ratio")
        figure("tenants_catalogue_ratio", catalogue_ratio, "ratio")
        figure("tenants_submit_ratio", submit_ratio, "ratio")
        figure("worker_idle_cpu_pct", idle, "% of one core")
        figure("worker_idle_cpu_app_role_pct", idle_app_role, "% of one core")
        figure("migrate_noop_s", statistics.median(migrate_many), "s")
        figure("migrate_noop_1_s", statistics.median(migrate_one), "s")
    finally:
        if one_url:
            _database_drop(one_url)
        drop_installation(folder)
        if role:
            _role_drop(role)


if __name__ == "__main__":
    main()
