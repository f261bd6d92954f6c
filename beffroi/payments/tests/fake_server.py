"""A local fake of a payment provider's HTTP API, for the providers' tests.

Each provider's fake (``contrib/<vendor>/tests/fake.py``) answers the few
calls its plugin makes; this base serves it on 127.0.0.1 on a free port, in
a thread, with ``http.server``, and keeps what it was asked. ``fail_with``
makes it answer that HTTP status; ``delay`` makes it slower than the
plugin's timeout. Tests never reach the network.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    content_type: str = "application/json"


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up waiting (the timeout tests) is expected


class FakeProviderServer:
    """Subclasses answer in ``answer`` (the call → an ``Answer``)."""

    # What the fake says when asked to fail (``fail_with``).
    def error_body(self, status: int) -> Any:
        return {"status": status, "error": "fake failure"}

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.fail_with: int | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                call = Call(
                    method=self.command,
                    path=parts.path,
                    query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                answer = fake.receive(call)
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = handle_any

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests' output stays readable

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def receive(self, call: Call) -> Answer:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.calls.append(call)
            if self.fail_with is not None:
                return Answer(self.fail_with, self.error_body(self.fail_with))
            return self.answer(call)

    def answer(self, call: Call) -> Answer:
        raise NotImplementedError

    def calls_to(self, method: str, path_start: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(path_start)]
