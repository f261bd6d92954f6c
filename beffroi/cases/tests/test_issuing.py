"""Issuing a certificate: a PDF/A in the city's letterhead, verifiable by anyone."""

from __future__ import annotations

import hashlib
import io
import tempfile
from typing import Any

import pikepdf
import pytest
import segno
from django.test import TestCase
from pdfminer.high_level import extract_text
from PIL import Image

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.cases.issuing import UnknownDocument
from beffroi.cases.issuing import case_document_issue as document_issue
from beffroi.cases.issuing import case_document_revoke as document_revoke
from beffroi.cases.models import Case, CaseEvent
from beffroi.catalogue.definition import definition_problems
from beffroi.catalogue.models import ProcedureVersion
from beffroi.catalogue.selectors import version_spec_cache_clear
from beffroi.documents.codes import (
    VERIFICATION_ALPHABET,
    VERIFICATION_LENGTH,
    format_verification_code,
    verification_url,
)
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import DocumentAlreadyRevoked, file_read
from beffroi.documents.tests.builders import DEFINITION, certificate_case
from beffroi.testing.personas import create_world


def _pdf_images(pdf: bytes) -> list[list[list[bool]]]:
    """Every image of the PDF as rows of dark (True) and light pixels."""
    images = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for _name, raw in page.get_images().items():
                image = pikepdf.PdfImage(raw).as_pil_image().convert("L")
                width, height = image.size
                dark = [value < 128 for value in image.tobytes()]
                images.append([dark[y * width : (y + 1) * width] for y in range(height)])
    return images


def _qr_of(url: str) -> list[list[list[bool]]]:
    """The QR codes of ``url`` at every error level and mask, quiet zone included."""
    symbols = []
    for error in "LMQH":
        for mask in range(8):
            qr = segno.make(url, error=error, mask=mask, boost_error=False, micro=False)
            symbols.append([[bool(bit) for bit in row] for row in qr.matrix_iter(border=4)])
    return symbols


def test_the_test_procedure_is_a_valid_definition() -> None:
    assert definition_problems(DEFINITION) == []


class IssueTests(TestCase):
    citizen: User
    agent: User
    case: Case
    issued: IssuedDocument
    pdf: bytes

    @classmethod
    def setUpTestData(cls) -> None:
        people = create_world(catalogue=False)
        cls.citizen = people["citizen"]
        cls.agent = people["agent"]
        cls.case = certificate_case(applicant=cls.citizen)
        cls.issued = document_issue(actor=cls.agent, case=cls.case, document_id="certificate")
        cls.pdf = file_read(cls.issued.file)

    def test_the_document_is_a_pdf_a_with_its_identification_in_the_xmp_metadata(self) -> None:
        assert self.pdf.startswith(b"%PDF-")
        with pikepdf.open(io.BytesIO(self.pdf)) as document:
            metadata = document.open_metadata()
            assert metadata["pdfaid:part"] == "3"
            assert metadata["pdfaid:conformance"] == "B"
            assert metadata["dc:title"] == "Certificat de résidence"
            assert "/OutputIntents" in document.Root

    def test_the_document_is_tagged_for_screen_readers(self) -> None:
        with pikepdf.open(io.BytesIO(self.pdf)) as document:
            assert document.Root.MarkInfo.Marked
            assert "/StructTreeRoot" in document.Root
            assert str(document.Root.Lang) == "fr"

    def test_every_font_is_embedded(self) -> None:
        with pikepdf.open(io.BytesIO(self.pdf)) as document:
            fonts = list(document.pages[0].Resources.Font.values())
            assert fonts
            for font in fonts:
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))

    def test_the_body_is_rendered_from_the_answers_with_choice_labels(self) -> None:
        text = " ".join(extract_text(io.BytesIO(self.pdf)).split())
        assert "Marie Dubois" in text
        assert "démarches bancaires (copie papier, copie par courriel)" in text
        # Answers to date fields are dates, written in French.
        assert "depuis le 1 avril 2019" in text
        assert self.case.reference in text
        assert "Pour le Bourgmestre," in text
        assert "le service Population" in text
        assert "Ville de Tournai" in text

    def test_the_verification_url_and_code_are_printed_in_clear(self) -> None:
        text = extract_text(io.BytesIO(self.pdf))
        code = self.issued.verification_code
        assert verification_url(code) == f"http://testserver/verifier/{code}/"
        assert verification_url(code) in text
        assert format_verification_code(code) in text

    def test_the_qr_code_encodes_the_verification_url(self) -> None:
        expected = _qr_of(verification_url(self.issued.verification_code))
        images = _pdf_images(self.pdf)
        assert any(image in expected for image in images)
        # And not merely any QR code: another document's address does not match.
        other = _qr_of(verification_url("B" * VERIFICATION_LENGTH))
        assert not any(image in other for image in images)

    def test_the_issued_document_records_the_stored_file_and_an_unguessable_code(self) -> None:
        issued = self.issued
        assert issued.file.sha256 == hashlib.sha256(self.pdf).hexdigest()
        assert issued.file.kind == "pdf"
        assert issued.filename == f"certificat-de-residence-{self.case.reference}.pdf"
        assert issued.title == "Certificat de résidence"
        assert issued.service == self.case.service
        assert issued.issued_by == self.agent
        assert issued.is_valid
        code = issued.verification_code
        assert len(code) == VERIFICATION_LENGTH
        assert set(code) <= set(VERIFICATION_ALPHABET)

    def test_the_case_history_tells_the_citizen(self) -> None:
        event = CaseEvent.objects.get(case=self.case, kind=CaseEvent.Kind.DOCUMENT)
        assert event.text == "Certificat de résidence"
        assert event.visible_to_citizen
        assert event.actor == self.agent

    def test_the_journal_records_the_issue_with_ids_only(self) -> None:
        event = AuditEvent.objects.get(action="document.issued")
        assert event.object_type == "documents.issueddocument"
        assert event.object_id == str(self.issued.pk)
        assert event.actor_id == self.agent.pk
        assert event.data == {
            "case_id": self.case.pk,
            "document_id": "certificate",
            "sha256": self.issued.file.sha256,
        }
        assert "Marie" not in str(event.data)

    def test_two_documents_get_two_codes_and_two_files(self) -> None:
        again = document_issue(actor=None, case=self.case, document_id="certificate")
        assert again.verification_code != self.issued.verification_code
        assert again.file_id != self.issued.file_id
        assert again.issued_by is None

    def test_an_unknown_document_id_is_refused_and_nothing_is_issued(self) -> None:
        with pytest.raises(UnknownDocument):
            document_issue(actor=self.agent, case=self.case, document_id="permit")
        assert IssuedDocument.objects.count() == 1

    def use_definition(self, definition: dict[str, Any]) -> None:
        """Give the case's version another definition (versions never change
        outside tests), and forget the parsed one."""
        ProcedureVersion.objects.filter(pk=self.case.version_id).update(definition=definition)
        version_spec_cache_clear()

    def test_a_body_with_its_own_heading_replaces_the_documents_title(self) -> None:
        definition = self.case.version.definition
        definition["documents"][0]["body"] = "<h1>Certificat avec historique</h1><p>Texte.</p>"
        self.use_definition(definition)
        issued = document_issue(actor=self.agent, case=self.case, document_id="certificate")
        text = extract_text(io.BytesIO(file_read(issued.file)))
        assert "Certificat avec historique" in text
        assert "Certificat de résidence" not in text
        assert issued.title == "Certificat de résidence"

    def test_a_body_cannot_read_the_servers_files(self) -> None:
        with tempfile.NamedTemporaryFile(suffix=".png") as image:
            Image.new("RGB", (30, 20), (255, 0, 0)).save(image, format="PNG")
            image.flush()
            definition = self.case.version.definition
            definition["documents"][0]["body"] = f'<p><img src="file://{image.name}" alt=""></p>'
            self.use_definition(definition)
            issued = document_issue(actor=self.agent, case=self.case, document_id="certificate")
        sizes = {(len(rows[0]), len(rows)) for rows in _pdf_images(file_read(issued.file))}
        assert (30, 20) not in sizes

    def test_a_body_cannot_reach_the_applicants_account(self) -> None:
        definition = self.case.version.definition
        body = "{{ case.applicant.email }}|{{ case.applicant.password }}|{{ service.cases.all }}"
        definition["documents"][0]["body"] = body
        self.use_definition(definition)
        issued = document_issue(actor=self.agent, case=self.case, document_id="certificate")
        text = extract_text(io.BytesIO(file_read(issued.file)))
        assert self.citizen.email not in text
        assert "md5$" not in text


class RevokeTests(TestCase):
    agent: User
    case: Case
    issued: IssuedDocument

    @classmethod
    def setUpTestData(cls) -> None:
        people = create_world(catalogue=False)
        cls.agent = people["agent"]
        cls.case = certificate_case(applicant=people["citizen"])
        cls.issued = document_issue(actor=cls.agent, case=cls.case, document_id="certificate")

    def test_a_revoked_document_is_no_longer_valid_and_says_why(self) -> None:
        revoked = document_revoke(
            actor=self.agent,
            issued=self.issued,
            reason="  Délivré par erreur :  adresse   changée ",
        )
        assert not revoked.is_valid
        self.issued.refresh_from_db()
        assert self.issued.revoked_at is not None
        assert self.issued.revoked_reason == "Délivré par erreur : adresse changée"

    def test_the_revocation_is_journaled_and_told_to_the_citizen(self) -> None:
        document_revoke(actor=self.agent, issued=self.issued, reason="Erreur matérielle")
        event = AuditEvent.objects.get(action="document.revoked")
        assert event.object_id == str(self.issued.pk)
        assert event.data == {"case_id": self.case.pk, "document_id": "certificate"}
        history = CaseEvent.objects.filter(case=self.case, kind=CaseEvent.Kind.DOCUMENT)
        assert [event.text for event in history] == [
            "Certificat de résidence",
            "Certificat de résidence : document révoqué",
        ]

    def test_a_document_is_revoked_once(self) -> None:
        document_revoke(actor=self.agent, issued=self.issued, reason="Erreur matérielle")
        with pytest.raises(DocumentAlreadyRevoked):
            document_revoke(actor=self.agent, issued=self.issued, reason="Encore")
        assert AuditEvent.objects.filter(action="document.revoked").count() == 1

    def test_a_revocation_needs_a_reason(self) -> None:
        with pytest.raises(ValueError, match="reason"):
            document_revoke(actor=self.agent, issued=self.issued, reason="   ")
        self.issued.refresh_from_db()
        assert self.issued.is_valid
