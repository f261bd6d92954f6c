from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.catalogue.selectors import procedure_as_file


class Command(BaseCommand):
    help = "Writes a procedure (catalogue part and current version) as a readable YAML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        data = procedure_as_file(slug=options["slug"])
        if data is None:
            raise CommandError(f"Démarche inconnue : {options['slug']}")
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Écrit : {options['output']}")
        else:
            self.stdout.write(text)
