"""Register every scan of a folder (the scanner's output) as an incoming item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.mail.intake import scans_import


class Command(BaseCommand):
    help = (
        "Registers each PDF or image of FOLDER as an incoming item (OCR follows in the "
        "background) and moves it to FOLDER/traites/. A scan registered before (same "
        "SHA-256) is not registered twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--processed", type=Path, default=None, help="Where to move files (FOLDER/traites/)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        report = scans_import(folder=folder, processed=options["processed"])
        for item in report.registered:
            self.stdout.write(f"{item.number}\t{item.files.all()[0].filename}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.registered)} registered, {len(report.already)} already "
                f"registered, {len(report.skipped)} not scans (left in place)."
            )
        )
