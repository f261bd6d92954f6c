"""Registering a day's scans in one batch, as the mail office does.

- ``mail_register_batch_s``: seconds for ``mail_register_batch`` to register
  1,000 scanned PDFs (1 to 3 pages of grey 150 dpi scans each, ~100-300 KB)
  on PostgreSQL: numbers, immutable originals with their SHA-256, page
  counts, journal entries and queued OCR jobs. OCR itself is excluded (the
  worker runs it afterwards). Target < 60 s. The same on the embedded SQLite
  is reported on stderr.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

from bench.harness import ROOT, django_ready, drop_installation, figure, installation, say

COUNT = 1000


def scans(count: int) -> list[tuple[str, bytes]]:
    """``count`` distinct scanned letters: a few page images, reused with distinct bytes."""
    from PIL import Image, ImageDraw, ImageFont

    from bench.mail_corpus import generate

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    font = (
        ImageFont.truetype(font_path, 26) if os.path.exists(font_path) else ImageFont.load_default()
    )
    pages = []
    for letter in generate(12, seed=5):
        image = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(letter.text.splitlines()[:40]):
            draw.text((110, 140 + 38 * number), line[:80], font=font, fill=20)
        pages.append(image)
    documents = []
    for variant in range(6):
        chosen = [pages[(variant + offset) % len(pages)] for offset in range(1 + variant % 3)]
        buffer = io.BytesIO()
        chosen[0].save(
            buffer,
            format="PDF",
            resolution=150,
            save_all=True,
            append_images=chosen[1:],
            quality=75,
        )
        documents.append(buffer.getvalue())
    # A comment after %%EOF makes each file distinct, as two scans always are.
    return [
        (f"scan-{n:04d}.pdf", documents[n % len(documents)] + f"\n% scan {n}\n".encode())
        for n in range(count)
    ]


def measure(database: str) -> float:
    folder = installation(database=database)
    try:
        django_ready()
        from beffroi.demo.loading import load_municipality, load_services
        from beffroi.mail.models import MailItem
        from beffroi.mail.services import (
            IncomingFile,
            mail_reference_data_load,
            mail_register_batch,
        )

        load_municipality()
        load_services()
        mail_reference_data_load(actor=None)
        files = [IncomingFile(name, content) for name, content in scans(COUNT)]
        size = sum(len(incoming.content) for incoming in files)
        say(f"  {database}: {COUNT} scans, {size / 1e6:.0f} MB")
        started = time.perf_counter()
        result = mail_register_batch(actor=None, files=files)
        elapsed = time.perf_counter() - started
        assert len(result.registered) == COUNT, result.duplicates[:3]
        assert MailItem.objects.filter(pages__isnull=False).count() == COUNT
        say(f"  {database}: {elapsed:.1f} s, {elapsed / COUNT * 1000:.1f} ms per scan")
        return elapsed
    finally:
        drop_installation(folder)


def main() -> None:
    if len(sys.argv) > 1:
        print(measure(sys.argv[1]))
        return
    # Each database in its own process: Django is set up once per process.
    results = {}
    for database in ("sqlite", "postgresql"):
        output = subprocess.run(
            [sys.executable, "-m", "bench.mail_register", database],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
        )
        sys.stderr.write(output.stderr)
        results[database] = float(output.stdout.strip().splitlines()[-1])
    say(f"  on SQLite: {results['sqlite']:.1f} s")
    figure("mail_register_batch_s", results["postgresql"], "s")


if __name__ == "__main__":
    main()
