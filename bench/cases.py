"""Cases at a large city's scale, on PostgreSQL.

- ``inbox_p95_ms``: first page of a service inbox, sorted by deadline, with
  1,000,000 cases in the database (server time, p95; target < 50 ms); the
  number of queries is checked not to grow with the page size.
- ``tracking_p95_ms``: a tracking-code lookup (target < 10 ms).
- ``submit_per_s``: complete submissions (10 answers and one 200 KB file)
  per second through uWSGI (target >= 50 on two cores).

The million cases are seeded once with COPY into a database kept between
runs, one per database schema (``beffroi_bench_cases_<schema>``: another
version of Beffroi, run beside this one to compare, keeps its own);
``BENCH_CASES`` changes the volume.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.harness import (
    WsgiCaller,
    django_ready,
    figure,
    installation,
    percentile,
    production_server,
    say,
    schema_tag,
    server_times_ms,
    summary,
)

VOLUME = int(os.environ.get("BENCH_CASES", "1000000"))
SERVICES = ["population", "etat-civil", "urbanisme", "mobilite", "finances", "evenements"]
NAMES = [
    "Dubois",
    "Lambert",
    "Martin",
    "Leroy",
    "Dupont",
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Claes",
]
FIRST = ["Marie", "Luc", "Sophie", "Omar", "Julie", "Paul", "Nadia", "Marc", "Claire", "Anne"]


def _seed(total: int) -> None:
    from django.db import connection

    from beffroi.accounts.models import User
    from beffroi.cases.codes import TRACKING_ALPHABET
    from beffroi.catalogue.models import Procedure
    from beffroi.municipality.models import Service

    procedure = Procedure.objects.get(slug="demande-test")
    version_id = procedure.current_version_id
    services = {s.code: s.pk for s in Service.objects.filter(code__in=SERVICES)}
    agent_ids = list(
        User.objects.filter(memberships__isnull=False).values_list("pk", flat=True)[:20]
    )
    rng = random.Random(2026)
    now = datetime.now(UTC)
    statuses_open = ["submitted", "in_progress", "information_requested"]
    seen_codes: set[str] = set()
    batch = 100_000
    columns = (
        "reference, tracking_code, procedure_id, version_id, service_id, status, return_status, "
        "channel, applicant_email, applicant_name, summary, search_text, answers, "
        "assigned_to_id, submitted_at, deadline, status_changed_at, closed_at, lock_version, updated_at"
    )
    done = 0
    while done < total:
        rows = io.StringIO()
        for index in range(done, min(done + batch, total)):
            code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(8))
            while code in seen_codes:
                code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(8))
            seen_codes.add(code)
            submitted = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 5))
            is_open = rng.random() < 0.08
            name = f"{rng.choice(FIRST)} {rng.choice(NAMES)}"
            closed = (
                "\\N" if is_open else (submitted + timedelta(days=rng.randrange(1, 40))).isoformat()
            )
            status = rng.choice(statuses_open) if is_open else "delivered"
            deadline = (submitted + timedelta(days=rng.randrange(3, 30))).date().isoformat()
            assigned = str(rng.choice(agent_ids)) if agent_ids and rng.random() < 0.5 else "\\N"
            service = services[SERVICES[0] if rng.random() < 0.4 else rng.choice(SERVICES)]
            reference = f"{submitted.year}-{index + 1:07d}"
            search = f"{name.lower()} {reference} {code.lower()}"
            answers = json.dumps({"last_name": name.split()[-1]})
            rows.write(
                "\t".join(
                    [
                        reference,
                        code,
                        str(procedure.pk),
                        str(version_id),
                        str(service),
                        status,
                        "",
                        "web",
                        "",
                        name,
                        name.split()[-1],
                        search,
                        answers,
                        assigned,
                        submitted.isoformat(),
                        deadline,
                        submitted.isoformat(),
                        closed,
                        "0",
                        now.isoformat(),
                    ]
                )
                + "\n"
            )
        rows.seek(0)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY cases_case ({columns}) FROM STDIN") as copy,
        ):
            copy.write(rows.read())
        done = min(done + batch, total)
        say(f"  seeded {done:,} cases")
    # As autovacuum leaves a table in service: statistics and visibility map.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")


def _prepare() -> None:
    from beffroi.cases.models import Case
    from beffroi.testing.personas import create_world
    from beffroi.testing.procedures import install_test_procedure

    if not Case.objects.exists():
        create_world(catalogue=False)
        install_test_procedure()
    existing = Case.objects.count()
    if existing < VOLUME:
        say(f"  seeding {VOLUME - existing:,} cases (once; the database is kept)")
        _seed(VOLUME - existing)


def _session_of(user: Any) -> dict[str, str]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _inbox(agent: Any) -> list[float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caller = WsgiCaller()
    cookies = _session_of(agent)
    url = "/backoffice/dossiers/service/population/"
    counts = []
    for page in ("", "?page=3", "?status=submitted"):
        with CaptureQueriesContext(connection) as queries:
            status, _ = caller.get(url + page, cookies=cookies)
        assert status == 200, status
        counts.append(len(queries))
    say(f"  inbox queries (page 1, page 3, filtered): {counts}")
    return server_times_ms(lambda: caller.get(url, cookies=cookies), repeat=200)


def _tracking() -> list[float]:
    from beffroi.cases.models import Case

    caller = WsgiCaller()
    codes = list(Case.objects.order_by("?").values_list("tracking_code", flat=True)[:400])
    state = {"i": 0}

    def lookup() -> None:
        i = state["i"] % len(codes)
        state["i"] += 1
        # One address per lookup: the rate limit (30 per address) stays out of the way.
        status, _ = caller.get(f"/suivi/{codes[i]}/", remote_addr=f"10.0.{i // 250}.{i % 250}")
        assert status == 200, status

    return server_times_ms(lookup, repeat=300)


# --- Submissions through the production server -------------------------------------


def _csrf(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token"
    return match.group(1).decode()


def _multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, mime) in files.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n".encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


class _Browser:
    """A browser's requests, written on a bare socket.

    The clients share the two cores with the server: http.client's parsing
    cost them about 4 ms of each submission, taken from the server. Each
    response is read whole, until the server closes the connection.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, str, bytes]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines.append(f"Referer: http://127.0.0.1:{self.port}{path}")
            lines.append(f"Content-Type: {content_type}")
            lines.append(f"Content-Length: {len(body)}")
        chunks = []
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            connection.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
            while chunk := connection.recv(262144):
                chunks.append(chunk)
        head, _, content = b"".join(chunks).partition(b"\r\n\r\n")
        status_line, *headers = head.decode("latin-1").split("\r\n")
        location = ""
        for header in headers:
            name, _, value = header.partition(":")
            name = name.lower()
            if name == "set-cookie":
                cookie, _, rest = value.strip().partition("=")
                self.cookies[cookie] = rest.split(";", 1)[0]
            elif name == "location":
                location = value.strip()
        return int(status_line.split(" ", 2)[1]), location, content

    def post(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> tuple[int, str, bytes]:
        """A form sent as a browser sends it: multipart when it holds files
        (as the pages that ask for some say), URL-encoded otherwise."""
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, content_type)


def _one_submission(port: int, pdf: bytes) -> bool:
    """A visitor without an account files the test procedure, as a browser
    does without following the redirections after each page sent: the
    procedure page, the first page's form, each page sent, then "Envoyer"."""
    browser = _Browser(port)
    browser.request("GET", "/demarches/demande-test/")
    _, _, html = browser.request("GET", "/demarches/demande-test/commencer/")
    token = _csrf(html)
    identity = {
        "csrfmiddlewaretoken": token,
        "first-page": "identite",
        "first_name": "Jean",
        "last_name": "Dupont",
        "birth_date": "1980-04-12",
        "email": "jean.dupont@example.org",
        "national_number": "85.07.30-033.28",
    }
    status, location, _ = browser.post("/demarches/demande-test/commencer/", identity)
    if status != 302:
        return False
    request = {
        "csrfmiddlewaretoken": token,
        "link": "other",
        "copies": "2",
        "options": "history",
        "delivery": "pdf",
    }
    status, location, _ = browser.post(
        location, request, {"proof": ("preuve.pdf", pdf, "application/pdf")}
    )
    if status != 302:
        return False
    status, location, _ = browser.post(location, {"csrfmiddlewaretoken": token})
    return status == 302 and "/demande-envoyee/" in location


def _submitter(port: int, seconds: float, pdf: bytes, queue: Any) -> None:
    done = failed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if _one_submission(port, pdf + os.urandom(16)):
            done += 1
        else:
            failed += 1
    queue.put((done, failed))


def _submissions_per_second(port: int, *, seconds: float = 20, clients: int = 6) -> float:
    from beffroi.documents.sniff import sample_pdf

    pdf = sample_pdf(size=200 * 1024)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_submitter, args=(port, seconds, pdf, queue)) for _ in range(clients)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    done, failed = sum(r[0] for r in results), sum(r[1] for r in results)
    if failed:
        say(f"  {failed} submission(s) failed")
    return float(done / elapsed)


def main() -> None:
    installation(database="postgresql", keep=f"beffroi_bench_cases_{schema_tag()}")
    django_ready(static=True)
    _prepare()
    from beffroi.accounts.models import User
    from beffroi.cases.models import Case
    from beffroi.documents.sniff import sample_pdf

    agent = User.objects.get(email="sophie@tournai.example")
    say(f"  {Case.objects.count():,} cases, {Case.objects.open().count():,} open")
    inbox = _inbox(agent)
    say(f"  inbox: {summary(inbox)}")
    tracking = _tracking()
    say(f"  tracking: {summary(tracking)}")
    with production_server(workers=4) as port:
        assert _one_submission(port, sample_pdf("essai")), "a submission failed"
        rate = _submissions_per_second(port)
    figure("inbox_p95_ms", percentile(inbox, 0.95), "ms")
    figure("tracking_p95_ms", percentile(tracking, 0.95), "ms")
    figure("submit_per_s", rate, "submissions/s")
    _ = statistics  # median is in the summaries above


if __name__ == "__main__":
    main()
