"""The demo's seal: « Ville de Tournai — démonstration », from a local PKI.

The PKI (a CA, the seal, an OCSP responder, CRLs and a timestamping
authority) is created at first use under the demo's data folder
(``DEMO_PKI_DIR``) and its services answer on 127.0.0.1 (``DEMO_PKI_PORT``):
``run_demo`` serves them in a process of their own (``seal_demo_pki``), and a
process that finds the port free serves them itself, so ``runserver`` alone
seals too. Never for production: ``check --deploy`` refuses it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from werkzeug.serving import BaseWSGIServer

from beffroi.signatures.base import SettingReader, installation_setting
from beffroi.signatures.contrib.pkcs12.signer import Pkcs12Signer
from beffroi.signatures.localpki import (
    PASSPHRASE,
    LocalPki,
    local_pki_ensure,
    local_pki_server,
)

logger = logging.getLogger(__name__)

_servers: list[BaseWSGIServer] = []
_lock = threading.Lock()


def demo_pki() -> LocalPki:
    return local_pki_ensure(Path(settings.DEMO_PKI_DIR), port=settings.DEMO_PKI_PORT)


def demo_services_start(pki: LocalPki) -> None:
    """Serve the demo PKI's services from this process, unless another process does."""
    with _lock:
        if _servers:
            return
        try:
            server = local_pki_server(pki)
        except OSError:
            logger.info("The demo PKI's port %s is taken: another process serves it", pki.port)
            return
        _servers.append(server)
    threading.Thread(target=server.serve_forever, name="demo-pki", daemon=True).start()


def demo_signer(setting: SettingReader = installation_setting) -> Pkcs12Signer:
    """The demo's seal, the same for every municipality (``setting`` unused)."""
    pki = demo_pki()
    demo_services_start(pki)
    return Pkcs12Signer(
        pkcs12_file=str(pki.pkcs12_file()),
        passphrase=PASSPHRASE,
        tsa_url=pki.tsa_url,
        timeout=settings.SEAL_TIMEOUT_SECONDS,
    )
