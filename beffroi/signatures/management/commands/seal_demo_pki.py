"""Create the demo's PKI if needed and serve its TSA, OCSP and CRLs (``run_demo``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beffroi.signatures.contrib.demo.signer import demo_pki
from beffroi.signatures.localpki import local_pki_server


class Command(BaseCommand):
    help = "Serves the demo seal's timestamping authority, OCSP responder and CRLs on 127.0.0.1."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError("The demo PKI is for the demo only (BEFFROI_DEMO=true).")
        pki = demo_pki()
        try:
            server = local_pki_server(pki)
        except OSError as exc:
            raise CommandError(f"Port {pki.port} is taken ({exc}): set DEMO_PKI_PORT.") from exc
        self.stdout.write(f"Demo PKI of {pki.folder} on {pki.url_prefix}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
