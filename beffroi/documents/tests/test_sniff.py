"""A file's kind is read from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from beffroi.documents.sniff import content_type, kind_label, sniff_kind


def _image(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=format_name)
    return buffer.getvalue()


def _zip(files: dict[str, str], *, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            # OpenDocument: the first entry, stored uncompressed.
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
    "jpeg": _image("JPEG"),
    "png": _image("PNG"),
    "tiff": _image("TIFF"),
    "webp": _image("WEBP"),
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
    "docx": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "xlsx": _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
    "odt": _zip({"content.xml": "<office/>"}, mimetype="application/vnd.oasis.opendocument.text"),
    "ods": _zip(
        {"content.xml": "<office/>"}, mimetype="application/vnd.oasis.opendocument.spreadsheet"
    ),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_kind_is_recognised_from_its_content(kind: str) -> None:
    assert sniff_kind(SAMPLES[kind]) == kind


def test_a_text_file_renamed_to_pdf_is_refused() -> None:
    # What a file called "certificat.pdf" holds when it is really a text file.
    assert sniff_kind("Certificat de résidence de Marie Dubois\n".encode()) is None


def test_a_zip_archive_that_is_no_office_document_is_refused() -> None:
    assert sniff_kind(_zip({"photos/readme.txt": "bonjour"})) is None


def test_an_empty_or_truncated_file_is_refused() -> None:
    assert sniff_kind(b"") is None
    assert sniff_kind(b"%PD") is None
    assert sniff_kind(b"PK\x03\x04broken") is None


def test_content_type_and_french_name_follow_the_kind() -> None:
    assert content_type("pdf") == "application/pdf"
    assert content_type("unknown") == "application/octet-stream"
    assert kind_label("heic") == "HEIC (photo d'iPhone)"
