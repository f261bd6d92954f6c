"""A PDF is known by its structure, not by a marker in its first bytes: an HTML
page behind a ``%`` line and ``%PDF-`` is refused on the portal's uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from beffroi.documents.sniff import sample_pdf, sniff_kind, sniff_upload_kind
from beffroi.portal.forms_verification import VerificationUploadForm
from beffroi.testing.procedures import FilingTestCase

DISGUISED_HTML = b"%\n%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>"
HTML_AFTER_A_HEADER = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>"


def test_the_header_must_open_the_file() -> None:
    assert sniff_kind(DISGUISED_HTML) is None
    assert sniff_upload_kind(DISGUISED_HTML) is None


def test_a_header_without_a_pdf_behind_it_is_refused() -> None:
    assert sniff_kind(HTML_AFTER_A_HEADER) == "pdf"  # the first bytes alone
    assert sniff_upload_kind(HTML_AFTER_A_HEADER) is None


def test_a_real_pdf_is_accepted() -> None:
    assert sniff_upload_kind(sample_pdf("certificat")) == "pdf"
    assert sniff_upload_kind(sample_pdf(size=50_000)) == "pdf"


def test_the_verification_form_refuses_a_disguised_page() -> None:
    for content in (DISGUISED_HTML, HTML_AFTER_A_HEADER):
        upload = SimpleUploadedFile("certificat.pdf", content, "application/pdf")
        form = VerificationUploadForm(data={}, files=MultiValueDict({"document": [upload]}))
        assert not form.is_valid()
        assert "n’est pas un PDF" in str(form.errors)


class PortalUploadSniffingTests(FilingTestCase):
    def test_a_disguised_page_is_refused_as_a_request_s_proof(self) -> None:
        draft = self.start()
        for content in (DISGUISED_HTML, HTML_AFTER_A_HEADER):
            proof = SimpleUploadedFile("preuve.pdf", content, "application/pdf")
            response = self.client.post(
                self.page_url(draft, "demande"),
                {"link": "other", "copies": "1", "delivery": "pdf", "proof": proof},
            )
            assert "n&#x27;est pas d&#x27;un type accepté" in response.content.decode()
            assert not draft.attachments.exists()
