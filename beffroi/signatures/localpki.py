"""A local PKI for the tests and the demo, made with certomancer.

One root CA, an intermediate CA that issues the city's seal certificates,
an OCSP responder, CRLs and an RFC 3161 timestamping authority, all served
by certomancer's WSGI application on 127.0.0.1 only. The certificates name
their OCSP and CRL addresses, so the address (port included) is chosen when
the PKI is created and kept with it.

Besides the good seal, the tests' PKI has a revoked seal and an expired one:
sealing with them must fail.

Never for production: the private keys are written unencrypted in the
PKI's folder (the demo's lives under the demo's data folder).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import pem
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

ARCH = "beffroi"
HOST = "127.0.0.1"
# The PKCS#12 files' passphrase: the key is a demo's, the passphrase only
# exercises the production path (SEAL_PKCS12_PASSPHRASE).
PASSPHRASE = "demonstration"  # noqa: S105 - a demo key, see above
DEFAULT_SEAL_NAME = "Ville de Tournai — démonstration"
GOOD, REVOKED, EXPIRED = "seal", "seal-revoked", "seal-expired"
SEALS = (GOOD, REVOKED, EXPIRED)
INFRASTRUCTURE = ("root", "interm", "interm-ocsp", "tsa")
METADATA = "pki.json"


@dataclass(frozen=True)
class LocalPki:
    """A PKI's folder: its keys, its configuration, the seals' PKCS#12 files."""

    folder: Path
    port: int

    @property
    def url_prefix(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url_prefix}/{ARCH}/tsa/tsa"

    @property
    def root_file(self) -> Path:
        return self.folder / "root.pem"

    def pkcs12_file(self, seal: str = GOOD) -> Path:
        return self.folder / f"{seal}.p12"

    def architecture(self) -> PKIArchitecture:
        config = json.loads((self.folder / "certomancer.json").read_text(encoding="utf-8"))
        loaded = CertomancerConfig(
            config, key_search_dir=str(self.folder), external_url_prefix=self.url_prefix
        )
        return loaded.get_pki_arch(ArchLabel(ARCH))


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _validity(start: datetime.datetime, days: int) -> dict[str, str]:
    return {"valid-from": _iso(start), "valid-to": _iso(start + datetime.timedelta(days=days))}


def _key_usage(*usages: str) -> dict[str, Any]:
    return {
        "id": "key_usage",
        "critical": True,
        "smart-value": {"schema": "key-usage", "params": list(usages)},
    }


def _seal_spec(validity: dict[str, str]) -> dict[str, Any]:
    return {
        "issuer": "interm",
        "validity": validity,
        "extensions": [
            _key_usage("digital_signature", "non_repudiation"),
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["interm"]}},
            },
            {
                "id": "authority_information_access",
                "smart-value": {
                    "schema": "aia-urls",
                    "params": {
                        "ocsp-responder-names": ["interm"],
                        "ca-issuer-links": [{"repo": "interm"}],
                    },
                },
            },
        ],
    }


def _ca_spec(issuer: str, validity: dict[str, str], *, crl_repo: str | None) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [
        {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
        _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
    ]
    if crl_repo:
        extensions.append(
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [crl_repo]}},
            }
        )
    return {"issuer": issuer, "validity": validity, "extensions": extensions}


def _certificates(start: datetime.datetime, seal_days: int) -> dict[str, Any]:
    # The authorities outlive every seal they issue.
    long = _validity(start - datetime.timedelta(days=1000), seal_days + 3000)
    tsa = _ca_spec("root", long, crl_repo="root")
    tsa["extensions"] = [
        _key_usage("digital_signature"),
        {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
        tsa["extensions"][2],
    ]
    revoked = _seal_spec(_validity(start, seal_days))
    revoked["revocation"] = {
        "revoked-since": _iso(start + datetime.timedelta(hours=1)),
        "reason": "key_compromise",
    }
    return {
        "root": _ca_spec("root", long, crl_repo=None),
        "interm": _ca_spec("root", long, crl_repo="root"),
        "interm-ocsp": {
            "issuer": "interm",
            "validity": long,
            "profiles": ["ocsp-responder"],
        },
        "tsa": tsa,
        GOOD: _seal_spec(_validity(start, seal_days)),
        REVOKED: revoked,
        EXPIRED: _seal_spec(_validity(start - datetime.timedelta(days=800), 365)),
    }


def _config(seal_name: str, start: datetime.datetime, seal_days: int) -> dict[str, Any]:
    labels = (*INFRASTRUCTURE, *SEALS)
    return {
        "keysets": {ARCH: {"keys": {label: {"path": f"{label}.key.pem"} for label in labels}}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "BE", "organization-name": seal_name},
                "entities": {
                    "root": {"common-name": f"{seal_name} — autorité racine"},
                    "interm": {"common-name": f"{seal_name} — autorité des cachets"},
                    "interm-ocsp": {"common-name": f"{seal_name} — répondeur OCSP"},
                    "tsa": {"common-name": f"{seal_name} — horodatage"},
                    GOOD: {"common-name": seal_name},
                    REVOKED: {"common-name": f"{seal_name} (révoqué)"},
                    EXPIRED: {"common-name": f"{seal_name} (expiré)"},
                },
                "certs": _certificates(start, seal_days),
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P7D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P1D",
                        },
                    },
                    "cert-repo": {
                        "root": {"for-issuer": "root", "publish-issued-certs": True},
                        "interm": {"for-issuer": "interm", "publish-issued-certs": True},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


def _write_keys(folder: Path, labels: tuple[str, ...]) -> None:
    for label in labels:
        key = ec.generate_private_key(ec.SECP256R1())
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def local_pki_create(
    folder: Path,
    *,
    port: int,
    seal_name: str = DEFAULT_SEAL_NAME,
    start: datetime.datetime | None = None,
    seal_days: int = 3 * 365,
) -> LocalPki:
    """Create a PKI in ``folder`` (which must not exist), whose services answer on ``port``.

    The seals are valid from ``start`` (yesterday by default) for
    ``seal_days``; the tests' PKI starts long ago and lasts long, so that
    tests that travel in time still seal.

    Built in a folder beside it and renamed at the end: a process that
    finds the folder finds it whole.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        yesterday = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
        config = _config(seal_name, (start or yesterday).replace(microsecond=0), seal_days)
        (building / "certomancer.json").write_text(
            json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        _write_keys(building, (*INFRASTRUCTURE, *SEALS))
        (building / METADATA).write_text(json.dumps({"port": port}), encoding="utf-8")
        pki = LocalPki(folder=building, port=port)
        architecture = pki.architecture()
        root = architecture.get_cert(CertLabel("root"))
        pki.root_file.write_bytes(pem.armor("CERTIFICATE", root.dump()))
        for seal in SEALS:
            pki.pkcs12_file(seal).write_bytes(
                architecture.package_pkcs12(CertLabel(seal), password=PASSPHRASE.encode())
            )
        os.rename(building, folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        if not (folder / METADATA).exists():
            raise
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return local_pki_load(folder)


def local_pki_load(folder: Path) -> LocalPki:
    metadata = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    return LocalPki(folder=folder, port=int(metadata["port"]))


def local_pki_ensure(folder: Path, *, port: int, seal_name: str = DEFAULT_SEAL_NAME) -> LocalPki:
    """The PKI in ``folder``, created at the first call."""
    if (folder / METADATA).exists():
        return local_pki_load(folder)
    return local_pki_create(folder, port=port, seal_name=seal_name)


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request: a document's seal makes five of them."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def local_pki_server(pki: LocalPki) -> BaseWSGIServer:
    """Certomancer's services (TSA, OCSP, CRLs, certificates) on 127.0.0.1, not
    started. Raises ``OSError`` when the port is taken (Werkzeug itself
    would end the process)."""
    if not port_is_free(pki.port):
        raise OSError(f"port {pki.port} is taken")
    architecture = pki.architecture()
    animator = Animator(
        AnimatorArchStore({architecture.arch_label: architecture}), with_web_ui=False
    )
    return make_server(HOST, pki.port, animator, threaded=True, request_handler=QuietRequestHandler)


@contextmanager
def local_pki_serving(pki: LocalPki) -> Iterator[BaseWSGIServer]:
    """Serve the PKI in a thread for the duration of the block."""
    server = local_pki_server(pki)
    thread = threading.Thread(target=server.serve_forever, name="local-pki", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
