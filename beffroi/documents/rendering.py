"""Documents the city issues, rendered as PDF/A in its letterhead.

The letterhead (``documents/issued_document.html`` and ``letterhead.css``)
frames a body written by the city in the procedure's definition. WeasyPrint
may only load ``data:`` URLs: the logo and the QR code are inlined, and a
body cannot read the server's files or reach the network.

The parsed stylesheet, the font configuration and the fetcher are built once
per thread (WeasyPrint's objects are not meant to be shared between
threads) and reused by every document: parsing them is most of the cost of a
one-page document.
"""

from __future__ import annotations

import base64
import datetime
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from beffroi.documents.codes import format_verification_code, verification_url
from beffroi.documents.sniff import content_type, sniff_kind
from beffroi.municipality.models import Municipality, Service

logger = logging.getLogger(__name__)

# PDF/A-3, level B (visual appearance preserved): fonts embedded, colours
# in sRGB, XMP metadata; level 3 lets a later version attach the data the
# document was made from (e.g. XML) inside the PDF.
PDF_VARIANT = "pdf/a-3b"
TEMPLATE = "documents/issued_document.html"
STYLESHEET = Path(__file__).resolve().parent / "letterhead.css"
LOGO_KINDS = {"png", "jpeg", "webp"}


class _DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Refuse every URL but ``data:``: no file, no network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


@dataclass(frozen=True)
class _Renderer:
    font_config: Any
    stylesheet: Any
    fetcher: Any


_local = threading.local()
_logo_cache: dict[str, str | None] = {}
_logo_lock = threading.Lock()


def _renderer() -> _Renderer:
    renderer: _Renderer | None = getattr(_local, "renderer", None)
    if renderer is None:
        font_config = FontConfiguration()
        fetcher = _DataOnlyFetcher()
        stylesheet = CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher)
        renderer = _Renderer(font_config=font_config, stylesheet=stylesheet, fetcher=fetcher)
        _local.renderer = renderer
    return renderer


def _data_uri(mime: str, content: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _logo_mime(content: bytes) -> str | None:
    kind = sniff_kind(content)
    if kind in LOGO_KINDS:
        return content_type(kind)
    head = content[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in content[:4096].lower():
        return "image/svg+xml"
    return None


def _logo_data_uri(municipality: Municipality) -> str | None:
    """The city's logo as a data URL, read once per process and per file."""
    name = municipality.logo.name if municipality.logo else ""
    if not name:
        return None
    with _logo_lock:
        if name in _logo_cache:
            return _logo_cache[name]
    uri: str | None = None
    try:
        with municipality.logo.storage.open(name, "rb") as handle:
            content = bytes(handle.read())
    except OSError:
        logger.warning("The municipality's logo %s cannot be read", name)
    else:
        mime = _logo_mime(content)
        if mime is None:
            logger.warning("The municipality's logo %s is not PNG, JPEG, WebP or SVG", name)
        else:
            uri = _data_uri(mime, content)
    with _logo_lock:
        # One city per installation: keep only the current logo.
        _logo_cache.clear()
        _logo_cache[name] = uri
    return uri


def _qr_data_uri(url: str) -> str:
    """The QR code of ``url``: one pixel per module, with its quiet zone.

    Drawn without interpolation, it stays sharp at any size; medium error
    correction survives a fold or a stain on a printed copy.
    """
    qr = segno.make(url, error="m", micro=False)
    return str(qr.png_data_uri(scale=1, border=4))


def _footer(municipality: Municipality) -> str:
    """One line under every page: the city, its address and how to reach it."""
    address = ", ".join(line.strip() for line in municipality.address.splitlines() if line.strip())
    phone = municipality.phone.replace(" ", "\u00a0")  # a number is never split
    parts = [municipality.name, address, phone, municipality.website]
    return " · ".join(part for part in parts if part)


def render_issued_document_pdf(
    *,
    title: str,
    body: str,
    reference: str,
    issued_at: datetime.datetime,
    service: Service,
    municipality: Municipality,
    verification_code: str,
    sealed: bool = False,
) -> bytes:
    """The PDF/A bytes of one document in the city's letterhead.

    ``body`` is HTML the caller rendered (and escaped) from the procedure's
    template; it is placed as is. ``sealed``: the PDF is sealed before it is
    issued, and says so (it is never issued otherwise).
    """
    url = verification_url(verification_code)
    issued_at_local = timezone.localtime(issued_at)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            TEMPLATE,
            {
                "title": title,
                "body": SafeString(body),
                # A body may bring its own heading (a title that depends on
                # the answers); otherwise the document's title is the heading.
                "body_has_title": "<h1" in body.lower(),
                "reference": reference,
                # Whole seconds: the XMP date and the document information
                # date must be equal for PDF/A, and the latter has no fraction.
                "created": issued_at_local.replace(microsecond=0).isoformat(),
                "issued_on": issued_at_local.date(),
                "service": service,
                "municipality": municipality,
                "place": municipality.short_name or municipality.name,
                "footer": _footer(municipality),
                "logo": _logo_data_uri(municipality),
                "qr": _qr_data_uri(url),
                "verification_url": url,
                "code_display": format_verification_code(verification_code),
                "sealed": sealed,
            },
        )
    renderer = _renderer()
    document = HTML(string=html, url_fetcher=renderer.fetcher)
    pdf = document.write_pdf(
        stylesheets=[renderer.stylesheet],
        font_config=renderer.font_config,
        pdf_variant=PDF_VARIANT,
        # Tagged: headings, paragraphs and tables read out in order by screen
        # readers (EN 301 549 asks documents to be accessible); about 20 ms.
        pdf_tags=True,
    )
    return bytes(pdf)
