"""OCR in the background: real Tesseract (French) on real scans generated here."""

from __future__ import annotations

import os
import tempfile
from unittest import mock

from weasyprint import HTML

from beffroi.audit.models import AuditEvent
from beffroi.documents.services import file_read
from beffroi.mail.models import Channel, MailFile, OcrStatus
from beffroi.mail.selectors import mail_search
from beffroi.mail.services import (
    IncomingFile,
    MailError,
    mail_ocr_process,
    mail_ocr_retry,
    mail_register,
)
from beffroi.mail.tests.helpers import MailTestCase, require_tools, scan_pdf, scan_png
from beffroi.testing.personas import make_user


class OcrTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        require_tools("tesseract", "gs")

    def register(self, *files: IncomingFile, subject: str = ""):
        with self.captureOnCommitCallbacks(execute=True):
            item = mail_register(
                actor=self.clerk, channel=Channel.SCAN, subject=subject, files=files
            )
        item.refresh_from_db()
        return item

    def test_a_scanned_letter_is_read_in_french_indexed_and_derived_as_searchable_pdf(self) -> None:
        item = self.register(IncomingFile("lettre.png", scan_png()))
        assert item.ocr_status == OcrStatus.DONE, item.ocr_reason
        assert "véranda" in item.ocr_text
        assert item.subject == "permis d'urbanisme pour une véranda"
        original = item.files.get(role=MailFile.Role.ORIGINAL)
        searchable = item.files.get(role=MailFile.Role.SEARCHABLE_PDF)
        text = item.files.get(role=MailFile.Role.TEXT)
        assert searchable.derived_from == original
        assert text.derived_from == original
        assert searchable.stored.kind == "pdf"
        assert searchable.sha256 != original.sha256
        pdf = file_read(searchable.stored)
        assert b"pdfaid" in pdf  # declared PDF/A
        assert "véranda" in file_read(text.stored).decode()
        found = mail_search(user=self.clerk, query="Vérandas URBANISME")
        assert list(found) == [item]
        event = AuditEvent.objects.for_object("mail.mailitem", item.pk).get(action="mail.ocr_done")
        assert event.actor_id is None

    def test_a_scanned_pdf_of_two_pages_is_counted_and_read(self) -> None:
        item = self.register(
            IncomingFile("scan.pdf", scan_pdf(pages=2)), subject="Courrier de Mme Dupré"
        )
        assert item.pages == 2
        assert item.ocr_status == OcrStatus.DONE, item.ocr_reason
        assert item.ocr_text.count("Madame, Monsieur") == 2
        assert item.subject == "Courrier de Mme Dupré"  # a subject typed by the clerk stays

    def test_a_born_digital_pdf_keeps_its_own_text(self) -> None:
        pdf = HTML(
            string="<h1>Facture 2026-118</h1><p>Montant dû : 1 250,00 euros.</p>"
        ).write_pdf()
        item = self.register(IncomingFile("facture.pdf", pdf))
        assert item.ocr_status == OcrStatus.DONE, item.ocr_reason
        assert "Montant dû" in item.ocr_text

    def test_running_the_job_twice_does_no_harm(self) -> None:
        item = self.register(IncomingFile("lettre.png", scan_png()))
        assert mail_ocr_process(item_id=item.pk) == "skipped"
        assert item.files.filter(role=MailFile.Role.SEARCHABLE_PDF).count() == 1

    def test_a_damaged_file_is_registered_and_the_failure_explained(self) -> None:
        item = self.register(IncomingFile("abîmé.pdf", b"%PDF-1.4\nthis is not really a pdf"))
        assert item.ocr_status == OcrStatus.FAILED
        assert item.ocr_reason.startswith("abîmé.pdf : ")

    def test_without_tesseract_the_item_is_registered_and_the_administrator_sees_why(self) -> None:
        empty = tempfile.mkdtemp(prefix="no-tools-")
        try:
            with mock.patch.dict(os.environ, {"PATH": empty}):
                item = self.register(IncomingFile("lettre.png", scan_png()))
            assert item.number.startswith("E-")
            assert item.ocr_status == OcrStatus.NOT_AVAILABLE
            assert "Tesseract n'est pas installé" in item.ocr_reason
            self.client.force_login(self.clerk)
            html = self.client.get(item.get_absolute_url()).content.decode()
            assert "Tesseract n&#x27;est pas installé" in html
            admin = make_user("root@tournai.example", is_staff=True, is_superuser=True)
            self.client.force_login(admin)
            html = self.client.get(
                "/admin/mail/mailitem/?ocr_status__exact=not_available"
            ).content.decode()
            assert item.number in html
            assert "Tesseract n&#x27;est pas installé" in html
        finally:
            os.rmdir(empty)
        # Once Tesseract is there, the administrator runs OCR again.
        with self.captureOnCommitCallbacks(execute=True):
            mail_ocr_retry(actor=self.clerk, item=item)
        item.refresh_from_db()
        assert item.ocr_status == OcrStatus.DONE
        assert item.ocr_reason == ""

    def test_ocr_cannot_be_asked_twice_while_it_waits(self) -> None:
        item = mail_register(
            actor=self.clerk, channel=Channel.SCAN, files=[IncomingFile("a.png", scan_png())]
        )
        with self.assertRaisesMessage(MailError, "déjà en attente"):
            mail_ocr_retry(actor=self.clerk, item=item)
