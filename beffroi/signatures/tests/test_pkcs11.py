"""The seal's key in a PKCS#11 token: SoftHSM2, a software HSM, started for the tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from beffroi.audit.models import AuditEvent
from beffroi.cases.issuing import case_document_issue
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import file_read
from beffroi.documents.tests.builders import certificate_case
from beffroi.signatures.localpki import PASSPHRASE, LocalPki
from beffroi.signatures.sealing import pdf_seal_check
from beffroi.signatures.tests.helpers import pdfsig
from beffroi.testing.personas import create_world

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not Path(MODULE).exists(), reason="Debian's softhsm2 is not installed"),
]


@dataclass(frozen=True)
class Token:
    label: str
    key_label: str
    certificate_file: Path


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - fixed commands


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, local_pki: LocalPki) -> Iterator[Token]:
    """A SoftHSM2 token holding the seal's key; its certificate and chain in a PEM file."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    _run("softhsm2-util", "--init-token", "--free", "--label", "beffroi", "--so-pin", "87654321", "--pin", PIN)  # fmt: skip
    key = local_pki.folder / "seal.key.pem"
    _run("softhsm2-util", "--import", str(key), "--token", "beffroi", "--label", "seal", "--id", "01", "--pin", PIN)  # fmt: skip
    _key, certificate, chain = pkcs12.load_key_and_certificates(
        local_pki.pkcs12_file().read_bytes(), PASSPHRASE.encode()
    )
    assert certificate is not None
    pem = folder / "seal-chain.pem"
    pem.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in [certificate, *chain]))
    yield Token(label="beffroi", key_label="seal", certificate_file=pem)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def pkcs11_seal(settings: Any, token: Token) -> Token:
    settings.SEAL_BACKEND = "pkcs11"
    settings.SEAL_PKCS11_MODULE = MODULE
    settings.SEAL_PKCS11_TOKEN_LABEL = token.label
    settings.SEAL_PKCS11_PIN = PIN
    settings.SEAL_PKCS11_KEY_LABEL = token.key_label
    settings.SEAL_CERTIFICATE_FILE = str(token.certificate_file)
    return token


# Refused first: a process whose session is logged in is never refused a PIN.
def test_a_pin_refused_by_the_token_issues_nothing(pkcs11_seal: Token, settings: Any) -> None:
    settings.SEAL_PKCS11_PIN = "000000"
    people = create_world(catalogue=False)
    case = certificate_case(applicant=people["citizen"])
    with pytest.raises(TransitionRefused) as refusal:
        case_transition(actor=people["agent"], case=case, transition_id="issue")
    assert "a refusé son code PIN" in refusal.value.message
    assert not IssuedDocument.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(
        action="document.seal_failed", object_id=str(case.pk), data__reason="pin_refused"
    ).exists()


def test_a_document_is_sealed_by_the_key_in_the_token(pkcs11_seal: Token, tmp_path: Path) -> None:
    people = create_world(catalogue=False)
    case = certificate_case(applicant=people["citizen"])
    issued = case_document_issue(actor=people["agent"], case=case, document_id="certificate")
    pdf = file_read(issued.file)
    report = pdf_seal_check(pdf)
    assert report.valid
    assert report.seal is not None
    assert report.seal.signer == "Ville de Tournai — démonstration"
    assert pdfsig(pdf, tmp_path)["signature"] == "Signature is Valid."
