"""Start the web server and the background worker together (``make demo``),
with the demo seal's timestamping authority, OCSP responder and CRLs
(``seal_demo_pki``: the demo PKI is created under the data folder at the
first run)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serves Beffroi on http://127.0.0.1:8000 with its background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, "manage.py"]
        # Started first, and not watched: the web process serves the demo PKI
        # itself when this one could not (its port taken).
        pki = subprocess.Popen([*manage, "seal_demo_pki"])  # noqa: S603
        processes = [
            subprocess.Popen([*manage, "runserver", options["addr"], "--noreload"]),  # noqa: S603
            subprocess.Popen([*manage, "beffroi_worker", "--tick", "10"]),  # noqa: S603
        ]

        def stop(*_: object) -> None:
            for process in [*processes, pki]:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in [*processes, pki]:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
