"""Issued documents carry the city's seal (PAdES B-LTA), and a seal that
cannot be made issues nothing, says why and is journaled."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pdfminer.high_level import extract_text
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from beffroi.audit.models import AuditEvent
from beffroi.cases.issuing import case_document_issue
from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.models import IssuedDocument
from beffroi.documents.rendering import render_issued_document_pdf
from beffroi.documents.services import file_read
from beffroi.documents.tests.builders import certificate_case
from beffroi.municipality.selectors import current_municipality
from beffroi.signatures.base import SealError
from beffroi.signatures.localpki import EXPIRED, REVOKED, LocalPki, free_port
from beffroi.signatures.pades import trust_roots_from_file
from beffroi.signatures.registry import seal_signer
from beffroi.signatures.sealing import SEAL_FIELD, pdf_seal, pdf_seal_check
from beffroi.signatures.tests.helpers import (
    answering,
    one_byte_altered,
    pdfsig,
    pyhanko_offline_status,
    serving,
)
from beffroi.testing.personas import create_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    return create_world(catalogue=False)


@pytest.fixture
def sealed_pdf(people: dict[str, Any]) -> bytes:
    case = certificate_case(applicant=people["citizen"])
    issued = case_document_issue(actor=people["agent"], case=case, document_id="certificate")
    return file_read(issued.file)


def test_an_issued_document_is_sealed_and_its_hash_is_the_sealed_files(
    people: dict[str, Any],
) -> None:
    case = certificate_case(applicant=people["citizen"])
    issued = case_document_issue(actor=people["agent"], case=case, document_id="certificate")
    pdf = file_read(issued.file)
    assert issued.sealed
    assert hashlib.sha256(pdf).hexdigest() == issued.file.sha256
    report = pdf_seal_check(pdf)
    assert report.valid
    assert report.seal is not None
    assert report.seal.field_name == SEAL_FIELD
    assert report.seal.signer == "Ville de Tournai — démonstration"
    assert report.seal.timestamped
    assert report.seal.signed_at is not None
    # B-LTA: the validation data is in the document, closed by a document timestamp.
    assert len(report.document_timestamps) == 1
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(pdf)))
    assert list(dss.ocsps)
    assert list(dss.crls)


def test_pyhankos_validator_accepts_it_offline_with_revocation_hard_fail(
    sealed_pdf: bytes, local_pki: LocalPki
) -> None:
    status = pyhanko_offline_status(sealed_pdf, local_pki)
    assert status.bottom_line
    assert status.trusted
    assert not status.revoked
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.trusted


def test_pdfsig_accepts_it(sealed_pdf: bytes, tmp_path: Path) -> None:
    verdict = pdfsig(sealed_pdf, tmp_path)
    assert verdict["field"] == SEAL_FIELD
    assert verdict["signature"] == "Signature is Valid."


def test_one_altered_byte_makes_both_validators_reject_it(
    sealed_pdf: bytes, tmp_path: Path, local_pki: LocalPki
) -> None:
    altered = one_byte_altered(sealed_pdf)
    assert len(altered) == len(sealed_pdf)
    assert altered != sealed_pdf
    assert pdfsig(altered, tmp_path)["signature"] != "Signature is Valid."
    status = pyhanko_offline_status(altered, local_pki)
    assert not status.intact
    assert not status.bottom_line
    report = pdf_seal_check(altered)
    assert report.signed
    assert not report.valid
    assert report.seal is not None
    assert not report.seal.intact


def test_the_rendered_document_claims_a_seal_only_when_it_is_sealed(
    people: dict[str, Any],
) -> None:
    case = certificate_case(applicant=people["citizen"])
    facts: dict[str, Any] = {
        "title": "Certificat",
        "body": "<p>Texte.</p>",
        "reference": case.reference,
        "issued_at": case.submitted_at,
        "service": case.service,
        "municipality": current_municipality(),
        "verification_code": "BCDFGHJKLMNPQRST",
    }
    unsealed = " ".join(extract_text(io.BytesIO(render_issued_document_pdf(**facts))).split())
    sealed = " ".join(
        extract_text(io.BytesIO(render_issued_document_pdf(**facts, sealed=True))).split()
    )
    assert "cachet" not in unsealed.lower()
    assert "Ce document porte le cachet électronique de la Ville de Tournai" in sealed


def test_the_seal_is_loaded_once_per_process() -> None:
    assert seal_signer() is seal_signer()


def test_bytes_that_are_no_pdf_are_not_sealed() -> None:
    with pytest.raises(SealError) as refusal:
        pdf_seal(pdf=b"not a pdf at all", municipality=current_municipality())
    assert refusal.value.reason == "not_a_pdf"


def _issue_refused(people: dict[str, Any]) -> tuple[Case, TransitionRefused]:
    case = certificate_case(applicant=people["citizen"])
    with pytest.raises(TransitionRefused) as refusal:
        case_transition(actor=people["agent"], case=case, transition_id="issue")
    case.refresh_from_db()
    assert case.status == "submitted"
    assert not IssuedDocument.objects.filter(case=case).exists()
    return case, refusal.value


def _journaled(case: Case, reason: str) -> bool:
    return AuditEvent.objects.filter(
        action="document.seal_failed", object_id=str(case.pk), data__reason=reason
    ).exists()


def test_a_revoked_seal_certificate_issues_nothing(
    people: dict[str, Any], local_pki: LocalPki, settings: Any
) -> None:
    settings.SEAL_PKCS12_FILE = str(local_pki.pkcs12_file(REVOKED))
    case, refusal = _issue_refused(people)
    assert "révoqué" in refusal.message
    assert "rien n’a été délivré" in refusal.message
    assert _journaled(case, "certificate_invalid")


def test_an_expired_seal_certificate_issues_nothing(
    people: dict[str, Any], local_pki: LocalPki, settings: Any
) -> None:
    settings.SEAL_PKCS12_FILE = str(local_pki.pkcs12_file(EXPIRED))
    case, refusal = _issue_refused(people)
    assert "a expiré le" in refusal.message
    assert _journaled(case, "certificate_expired")


def test_a_timestamping_authority_that_is_down_issues_nothing(
    people: dict[str, Any], settings: Any
) -> None:
    settings.TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    case, refusal = _issue_refused(people)
    assert "service d’horodatage ne répond pas" in refusal.message
    assert _journaled(case, "timestamp_unavailable")


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        ("200 OK", "application/timestamp-reply", b"\x30\x03garbage"),
        ("200 OK", "text/html", b"<html>Maintenance</html>"),
        ("500 Internal Server Error", "text/plain", b"down"),
    ],
)
def test_a_timestamping_authority_answering_garbage_issues_nothing(
    people: dict[str, Any], settings: Any, status: str, content_type: str, body: bytes
) -> None:
    with serving(answering(status, content_type, body)) as url:
        settings.TSA_URL = url
        case, refusal = _issue_refused(people)
    assert "horodatage" in refusal.message
    assert _journaled(case, "timestamp_unavailable")


def test_the_agent_is_told_why_on_the_case_page(
    people: dict[str, Any], settings: Any, client: Client
) -> None:
    settings.TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    case = certificate_case(applicant=people["citizen"])
    client.force_login(people["agent"])
    response = client.post(
        reverse("backoffice:case_transition", kwargs={"reference": case.reference}),
        {"transition": "issue", "comment": "", "lock_version": case.lock_version},
    )
    assert response.status_code == 400
    assert "service d’horodatage ne répond pas" in response.content.decode()
    assert not IssuedDocument.objects.filter(case=case).exists()


def test_extra_trust_anchors_are_read_from_a_pem_file(local_pki: LocalPki, tmp_path: Path) -> None:
    assert len(trust_roots_from_file(str(local_pki.root_file))) == 1
    (tmp_path / "bad.pem").write_text("not a certificate")
    with pytest.raises(SealError) as refusal:
        trust_roots_from_file(str(tmp_path / "bad.pem"))
    assert refusal.value.reason == "configuration"
    assert trust_roots_from_file("") == []
