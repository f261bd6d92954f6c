"""Reading scans: ocrmypdf (Tesseract, French) makes a searchable PDF/A and a text.

ocrmypdf runs in a child process, exactly as an operator would run it by
hand (``ocrmypdf_command``): its API is not meant for long-lived processes,
and the benchmark compares Beffroi's job with that very command.

Born-digital pages keep their text (``--mode skip``). Ghostscript 10.0.0
(Debian 12) corrupts such pages, so ocrmypdf refuses it in that mode: the
PDF/A is made by pikepdf (``--pdfa-backend internal``). When pikepdf cannot
vouch for PDF/A (some born-digital files), the text is kept and no PDF/A is
derived; the reason is recorded.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

# Kinds (see documents.sniff) that are read by OCR.
OCR_KINDS = frozenset({"pdf", "jpeg", "png", "tiff", "webp"})
LANGUAGE = "fra"
# ocrmypdf's exit codes (ocrmypdf.ExitCode) that matter here.
_EXIT_MISSING_DEPENDENCY = 3
_EXIT_INPUT_FILE = 4
_EXIT_ENCRYPTED = 8
_EXIT_PDFA_FAILED = 10
_SKIPPED = re.compile(r"\[OCR skipped on page\(s\) ([0-9,\- ]+)\]")
# Scans a phone or a scanner saved without a sensible resolution are
# assumed to be A4 pages (8.27 inches wide).
_A4_WIDTH_INCHES = 8.27
_MIN_SENSIBLE_DPI = 100


class OcrUnavailable(Exception):
    """OCR cannot run on this server (a tool is missing); the reason says which."""


class OcrFailed(Exception):
    """OCR ran and failed on this file; the message says why, in French."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    # The searchable PDF/A, or None when PDF/A could not be produced.
    pdf: bytes | None
    note: str = ""


@cache
def _tesseract_languages(tesseract: str) -> frozenset[str]:
    try:
        result = subprocess.run(  # noqa: S603 - a fixed command, no user input
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in (result.stdout + result.stderr).splitlines())


def unavailable_reason() -> str | None:
    """Why OCR cannot run here, in French for the administrator; None when it can."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return (
            "Tesseract n'est pas installé sur le serveur : installez les paquets Debian "
            "tesseract-ocr et tesseract-ocr-fra, puis relancez l'OCR."
        )
    if LANGUAGE not in _tesseract_languages(tesseract):
        return (
            "Le français n'est pas installé pour Tesseract : installez le paquet Debian "
            "tesseract-ocr-fra, puis relancez l'OCR."
        )
    return None


def ocrmypdf_command(
    source: Path, output: Path, sidecar: Path, *, image_dpi: int | None = None
) -> list[str]:
    """The ocrmypdf command line Beffroi runs (and the benchmark runs raw)."""
    command = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "--language",
        LANGUAGE,
        "--output-type",
        "pdfa",
        "--pdfa-backend",
        "internal",
        "--mode",
        "skip",
        "--sidecar",
        str(sidecar),
        "--quiet",
    ]
    if image_dpi:
        command += ["--image-dpi", str(image_dpi)]
    return [*command, str(source), str(output)]


def _image_input(content: bytes, kind: str) -> tuple[bytes, str, int | None]:
    """The image as ocrmypdf takes it (WebP becomes PNG) and the DPI to assume."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            dpi = image.info.get("dpi")
            width = image.width
            if kind == "webp":
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="PNG")
                content, kind, dpi = buffer.getvalue(), "png", None
    except (UnidentifiedImageError, OSError) as error:
        raise OcrFailed("L'image est illisible ou endommagée.") from error
    claimed = int(float(dpi[0])) if dpi else 0
    image_dpi = None if claimed >= _MIN_SENSIBLE_DPI else max(72, round(width / _A4_WIDTH_INCHES))
    return content, kind, image_dpi


def _page_numbers(ranges: str) -> list[int]:
    pages: list[int] = []
    for part in ranges.replace(" ", "").split(","):
        if "-" in part:
            first, last = part.split("-", 1)
            pages.extend(range(int(first), int(last) + 1))
        elif part:
            pages.append(int(part))
    return pages


def pdf_text(content: bytes, pages: list[int] | None = None) -> str:
    """The text a PDF already holds (born-digital pages), page by page."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(content)
    try:
        numbers = pages or list(range(1, len(document) + 1))
        texts = []
        for number in numbers:
            if 1 <= number <= len(document):
                page = document[number - 1]
                texts.append(page.get_textpage().get_text_bounded().strip())
        return "\n\n".join(text for text in texts if text)
    finally:
        document.close()


def _merge_skipped_pages(sidecar: str, original_pdf: bytes | None) -> str:
    """Replace ocrmypdf's "[OCR skipped on page(s) …]" by those pages' own text."""
    if original_pdf is None or not _SKIPPED.search(sidecar):
        return sidecar
    return _SKIPPED.sub(lambda match: pdf_text(original_pdf, _page_numbers(match[1])), sidecar)


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def ocr_document(content: bytes, kind: str) -> OcrResult:
    """OCR one file in French; raises OcrUnavailable or OcrFailed."""
    if kind not in OCR_KINDS:
        raise OcrFailed(f"Le format {kind} n'est pas lu par l'OCR.")
    reason = unavailable_reason()
    if reason:
        raise OcrUnavailable(reason)
    image_dpi = None
    if kind != "pdf":
        content, kind, image_dpi = _image_input(content, kind)
    with tempfile.TemporaryDirectory(prefix="beffroi-ocr-") as folder:
        work = Path(folder)
        source = work / f"source.{kind}"
        output = work / "output.pdf"
        sidecar = work / "output.txt"
        source.write_bytes(content)
        try:
            # Only paths Beffroi made go into the command line, never names users gave.
            result = subprocess.run(  # noqa: S603
                ocrmypdf_command(source, output, sidecar, image_dpi=image_dpi),
                capture_output=True,
                text=True,
                timeout=settings.MAIL_OCR_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise OcrFailed(
                f"L'OCR a dépassé le temps permis ({settings.MAIL_OCR_TIMEOUT} s)."
            ) from error
        code = result.returncode
        if code == _EXIT_MISSING_DEPENDENCY:
            raise OcrUnavailable(
                f"Un outil manque à ocrmypdf : {_last_line(result.stderr) or 'inconnu'}."
            )
        if code == _EXIT_ENCRYPTED:
            raise OcrFailed("Le PDF est protégé par un mot de passe : l'OCR ne peut pas le lire.")
        if code == _EXIT_INPUT_FILE:
            raise OcrFailed("Le fichier n'est pas un PDF ou une image lisible.")
        if code not in (0, _EXIT_PDFA_FAILED) or not sidecar.exists():
            raise OcrFailed(
                f"ocrmypdf a échoué (code {code}) : {_last_line(result.stderr) or 'sans détail'}."
            )
        text = _merge_skipped_pages(
            sidecar.read_text(encoding="utf-8", errors="replace"),
            content if kind == "pdf" else None,
        )
        text = text.replace("\f", "\n\n").strip()
        if code == _EXIT_PDFA_FAILED or not output.exists():
            return OcrResult(
                text=text,
                pdf=None,
                note="Texte extrait ; le PDF/A n'a pas pu être produit pour ce fichier.",
            )
        return OcrResult(text=text, pdf=output.read_bytes())


def page_count(content: bytes, kind: str) -> int | None:
    """Pages of a PDF or a (multi-page) TIFF; one for other images; None if unknown."""
    if kind == "pdf":
        import pikepdf

        try:
            with pikepdf.open(io.BytesIO(content)) as pdf:
                return len(pdf.pages)
        except (pikepdf.PdfError, OSError, ValueError):
            return None
    if kind in {"jpeg", "png", "webp", "heic"}:
        return 1
    if kind == "tiff":
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                return int(getattr(image, "n_frames", 1))
        except OSError:
            return None
    return None
