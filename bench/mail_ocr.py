"""Beffroi's OCR job against ocrmypdf run by hand, on the same 20 scanned pages.

- ``ocr_overhead_ratio``: wall time of the background job that OCRs a
  registered 20-page scan (read from storage, ocrmypdf in French with
  PDF/A and text, derived files stored with their hash, text indexed)
  over the wall time of the bare ``ocrmypdf`` command line with the same
  options on the same file. Median of interleaved rounds. Target <= 1.1.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import django_ready, drop_installation, figure, installation, say

PAGES = 20
ROUNDS = 4


def scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    from bench.mail_corpus import generate

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    font = (
        ImageFont.truetype(font_path, 26) if os.path.exists(font_path) else ImageFont.load_default()
    )
    images = []
    for letter in generate(PAGES, seed=9):
        image = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(image)
        lines = [letter.subject, "", *letter.text.splitlines()]
        for number, line in enumerate(lines[:40]):
            draw.text((110, 140 + 38 * number), line[:80], font=font, fill=20)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def main() -> None:
    folder = installation(database="postgresql")
    try:
        django_ready()
        from django.db import transaction

        from beffroi.mail.models import Channel, MailItem, OcrStatus
        from beffroi.mail.ocr import ocrmypdf_command
        from beffroi.mail.services import IncomingFile, mail_ocr_process, mail_register

        pdf = scanned_pdf()
        work = Path(tempfile.mkdtemp(prefix="ocr-bench-", dir=folder))
        source = work / "scan.pdf"
        source.write_bytes(pdf)

        def raw() -> float:
            started = time.perf_counter()
            subprocess.run(ocrmypdf_command(source, work / "out.pdf", work / "out.txt"), check=True)
            return time.perf_counter() - started

        def beffroi(round_number: int) -> float:
            with transaction.atomic():
                item = mail_register(
                    actor=None,
                    channel=Channel.SCAN,
                    files=[
                        IncomingFile(
                            f"scan-{round_number}.pdf", pdf + f"\n% {round_number}\n".encode()
                        )
                    ],
                )
            # The queued job is the one measured; the worker is not running.
            started = time.perf_counter()
            assert mail_ocr_process(item_id=item.pk) == "done"
            elapsed = time.perf_counter() - started
            item = MailItem.objects.get(pk=item.pk)
            assert item.ocr_status == OcrStatus.DONE
            assert len(item.ocr_text) > 1000
            return elapsed

        raws, jobs = [], []
        for round_number in range(ROUNDS):
            raws.append(raw())
            jobs.append(beffroi(round_number))
            say(
                f"  round {round_number + 1}: ocrmypdf {raws[-1]:.1f} s, Beffroi's job {jobs[-1]:.1f} s"
            )
        figure("ocr_overhead_ratio", statistics.median(jobs) / statistics.median(raws), "ratio")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
