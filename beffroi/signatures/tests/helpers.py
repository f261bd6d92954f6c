"""Independent checks of a seal (poppler's pdfsig, pyHanko's own validator)
and servers that play a broken timestamping authority."""

from __future__ import annotations

import io
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import PdfSignatureStatus
from werkzeug.serving import make_server

from beffroi.signatures.localpki import HOST, LocalPki, free_port


def pdfsig(pdf: bytes, folder: Path) -> dict[str, str]:
    """pdfsig's judgement of the first signature's integrity.

    Its certificate check is left out (``-nocert``): poppler's NSS backend
    answers « Unknown issue » for this PKI's chain even when its root is
    trusted, so the chain, the timestamp and revocation are judged by
    pyHanko's validator (``pyhanko_offline_status``).
    """
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - a fixed command on a file we wrote
        ["pdfsig", "-nocert", str(path)],  # noqa: S607 - Debian's poppler-utils
        capture_output=True,
        text=True,
        check=False,
    )
    first = result.stdout.split("Signature #2")[0]
    found = {
        "field": re.search(r"Signature Field Name: (.*)", first),
        "signature": re.search(r"Signature Validation: (.*)", first),
    }
    return {key: match.group(1).strip() if match else "" for key, match in found.items()}


def pyhanko_offline_status(pdf: bytes, pki: LocalPki) -> PdfSignatureStatus:
    """pyHanko's validator, used directly: trust in the PKI's root only,
    nothing fetched, revocation hard-fail on the document's embedded data."""
    reader = PdfFileReader(io.BytesIO(pdf))
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {
            "trust_roots": [load_cert_from_pemder(str(pki.root_file))],
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
    )
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def one_byte_altered(pdf: bytes) -> bytes:
    """The PDF with one byte changed inside the longest stream the seal covers."""
    reader = PdfFileReader(io.BytesIO(pdf))
    covered_end = reader.embedded_signatures[0].byte_range[1]
    streams = [
        (match.end(), pdf.find(b"endstream", match.end()))
        for match in re.finditer(rb"stream\r?\n", pdf[:covered_end])
    ]
    streams = [(start, end) for start, end in streams if 0 < end <= covered_end]
    start, end = max(streams, key=lambda span: span[1] - span[0])
    middle = (start + end) // 2
    return pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]


App = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]


def answering(status: str, content_type: str, body: bytes) -> App:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, [("Content-Type", content_type)])
        return [body]

    return app


@contextmanager
def serving(app: App) -> Iterator[str]:
    """``app`` on 127.0.0.1 for the block; its URL."""
    server = make_server(HOST, free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
