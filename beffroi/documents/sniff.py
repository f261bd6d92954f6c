"""What a file really is, read from its content (never from its name)."""

from __future__ import annotations

import io
import zipfile

import pikepdf

# kind -> (content type, French name shown to citizens)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "tiff": ("image/tiff", "TIFF"),
    "webp": ("image/webp", "WebP"),
    "heic": ("image/heic", "HEIC (photo d'iPhone)"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (.docx)",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument texte (.odt)"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument tableur (.ods)"),
}
HEAD_SIZE = 4096


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in ("odt", "ods"):
                    if mimetype == KINDS[kind][0]:
                        return kind
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def sniff_kind(content: bytes) -> str | None:
    """The kind of ``content`` among KINDS, or None when it is none of them.

    Office formats are zip archives: the whole content is needed to tell them
    apart; the other kinds are known from their first bytes.
    """
    head = content[:HEAD_SIZE]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
    ):
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    return None


def pdf_opens(content: bytes) -> bool:
    """A PDF parser (qpdf, through pikepdf) reads ``content`` as a PDF with pages."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            return len(pdf.pages) > 0
    except (pikepdf.PdfError, ValueError, OSError):
        return False


def sniff_upload_kind(content: bytes) -> str | None:
    """The kind of a file sent from outside (the portal's uploads, the mail
    register's): as ``sniff_kind``, and a PDF must really be one (a browser
    would render an HTML page that only starts like a PDF)."""
    kind = sniff_kind(content)
    if kind == "pdf" and not pdf_opens(content):
        return None
    return kind


def sample_pdf(text: str = "", *, size: int = 0) -> bytes:
    """A real one-page PDF for the demo, tests and benchmarks; ``text`` (in its
    title) tells two apart, ``size`` pads its page's content to about that many bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = pikepdf.String(text)
    if size:
        pdf.pages[0].Contents = pdf.make_stream(b"%" + b"x" * size + b"\n")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=False)
    return out.getvalue()


def content_type(kind: str) -> str:
    return KINDS[kind][0] if kind in KINDS else "application/octet-stream"


def kind_label(kind: str) -> str:
    return KINDS[kind][1] if kind in KINDS else kind
