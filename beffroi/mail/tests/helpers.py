"""What the mail register's tests share: a mail clerk, reference data and real scans."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from beffroi.accounts.models import User
from beffroi.mail.models import DocumentType
from beffroi.mail.services import mail_reference_data_load
from beffroi.municipality.models import Service
from beffroi.testing.personas import PersonaTestCase, make_user

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

LETTER = [
    "Hélène Dupré",
    "Rue des Bouchers Saint-Jacques 14, 7500 Tournai",
    "",
    "Objet : permis d'urbanisme pour une véranda",
    "",
    "Madame, Monsieur,",
    "Je souhaite agrandir mon habitation par une véranda",
    "et vous prie de m'indiquer les documents à joindre",
    "à ma demande de permis d'urbanisme.",
    "Veuillez agréer mes salutations distinguées.",
]


def _font(size: int) -> Any:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size=size)


def scan_image(lines: list[str] | None = None, *, width: int = 1400, dpi: int = 150) -> Image.Image:
    """A page of French text as a scanner would produce it (grey, 150 dpi)."""
    lines = lines or LETTER
    font = _font(34)
    image = Image.new("L", (width, 120 + 58 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((90, 60 + 58 * number), line, font=font, fill=0)
    image.info["dpi"] = (dpi, dpi)
    return image


def scan_png(lines: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    scan_image(lines).save(buffer, format="PNG", dpi=(150, 150))
    return buffer.getvalue()


def scan_pdf(lines: list[str] | None = None, *, pages: int = 1) -> bytes:
    """A scanned letter: a PDF of page images, without any text layer."""
    images = [scan_image(lines) for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def tiny_pdf(label: str) -> bytes:
    """A small distinct PDF (no OCR worth running), for registration tests."""
    image = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(image).text((10, 40), label, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=72)
    return buffer.getvalue()


class MailTestCase(PersonaTestCase):
    """Personas plus ``clerk`` (mail office), ``urbanism_agent`` and reference data."""

    clerk: User
    urbanism_agent: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk = make_user(
            "karim@tournai.example",
            first_name="Karim",
            last_name="Mertens",
            services=(("courrier", "mail_clerk"),),
        )
        cls.urbanism_agent = make_user(
            "lea@tournai.example",
            first_name="Léa",
            last_name="Van Damme",
            services=(("urbanisme", "agent"),),
        )
        mail_reference_data_load(actor=None)

    @staticmethod
    def service(code: str) -> Service:
        return Service.objects.get(code=code)

    @staticmethod
    def document_type(code: str) -> DocumentType:
        return DocumentType.objects.get(code=code)


def require_tools(*commands: str) -> None:
    """Skip when a system tool is missing, except in CI where it is an error."""
    import os
    import shutil

    import pytest

    missing = [command for command in commands if shutil.which(command) is None]
    if missing:
        message = f"missing system tools: {', '.join(missing)} (scripts/system-deps.sh test)"
        if os.environ.get("CI") == "true":
            raise RuntimeError(message)
        pytest.skip(message)
