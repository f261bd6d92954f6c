"""Any bytes at all get a report from the validator, never an exception.

The trust anchors are the current municipality's seal's, read from its
settings: hence the database."""

from __future__ import annotations

import asyncio
import io

import pikepdf
import pytest

from beffroi.signatures.registry import seal_trust_roots
from beffroi.signatures.sealing import pdf_seal_check
from beffroi.signatures.validation import pdf_signatures_check

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"%PDF-1.7\nnot really a PDF",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /AcroForm << /Fields [2 0 R] >> >> endobj\n"
        b"2 0 obj << /FT /Sig /V << /Type /Sig /Contents <00ff> /ByteRange [0 1 2 3] >> >>"
        b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        bytes(range(256)) * 64,
    ],
)
def test_garbage_gets_an_unreadable_or_unsigned_report(content: bytes) -> None:
    report = pdf_seal_check(content)
    assert not report.valid
    assert report.seal is None or not report.seal.valid


def test_an_unsigned_pdf_is_readable_and_unsigned() -> None:
    unsigned = io.BytesIO()
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(unsigned)
    report = pdf_seal_check(unsigned.getvalue())
    assert report.readable
    assert not report.signed


def test_a_thread_running_an_event_loop_still_validates() -> None:
    """Playwright's sync API (browser tests) runs a loop in the test's thread."""
    unsigned = io.BytesIO()
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(unsigned)

    # The municipality's anchors are read before: the ORM refuses to run in a loop.
    roots = seal_trust_roots()

    async def inside_a_loop() -> bool:
        return pdf_signatures_check(unsigned.getvalue(), trust_roots=roots).readable

    assert asyncio.run(inside_a_loop())
