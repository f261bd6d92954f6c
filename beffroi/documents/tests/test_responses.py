"""Stored files are streamed with their real type and a name that is safe to save."""

from __future__ import annotations

from django.http import FileResponse
from django.test import TestCase

from beffroi.documents.responses import file_response, safe_filename
from beffroi.documents.services import file_store

PDF = b"%PDF-1.7\n% certificat\n%%EOF\n"


def _close_file(response: FileResponse) -> None:
    """Close the streamed file, not the response: closing a response ends the
    "request" and makes Django close the database connection mid-test."""
    assert response.file_to_stream is not None
    response.file_to_stream.close()


class FileResponseTests(TestCase):
    def test_a_download_has_the_sniffed_type_and_the_given_name(self) -> None:
        stored = file_store(content=PDF)
        response = file_response(stored, "certificat-de-residence-2026-000001.pdf")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="certificat-de-residence-2026-000001.pdf"'
        )
        assert response["Content-Length"] == str(len(PDF))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF  # type: ignore[arg-type]
        _close_file(response)

    def test_a_file_can_be_shown_in_the_browser(self) -> None:
        stored = file_store(content=PDF)
        response = file_response(stored, "certificat.pdf", inline=True)
        assert response["Content-Disposition"] == 'inline; filename="certificat.pdf"'
        # Chrome's PDF viewer is an embedded object: it must not be blocked.
        assert "object-src 'self'" in response["Content-Security-Policy"]
        _close_file(response)

    def test_accented_names_are_kept_for_browsers_that_understand_them(self) -> None:
        stored = file_store(content=PDF)
        response = file_response(stored, "Extrait d’acte de mariage.pdf")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename*=utf-8''")
        assert "Extrait%20d%E2%80%99acte%20de%20mariage.pdf" in disposition
        _close_file(response)


def test_a_file_name_cannot_carry_a_path_quotes_or_control_characters() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\marie\\scan.pdf") == "scan.pdf"
    assert safe_filename('certif"icat\r\n.pdf') == "certif_icat_.pdf"
    assert safe_filename("a;b:c*d?.pdf") == "a_b_c_d_.pdf"
    assert safe_filename("...") == "document"
    assert safe_filename("") == "document"
