from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.cooperative.export import municipality_export
from beffroi.municipality.models import Municipality


class Command(BaseCommand):
    help = "Exporte toutes les données d'une commune dans un fichier ZIP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["slug"]).first()
        if municipality is None:
            raise CommandError(f"Aucune commune n'a l'identifiant « {options['slug']} ».")
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"Le dossier « {output.parent} » n'existe pas.")
        if output.exists():
            raise CommandError(f"Le fichier « {output} » existe déjà : choisissez un autre nom.")
        municipality_export(municipality_id=municipality.pk, output=output)
        self.stdout.write(f"Données de « {municipality.name} » exportées dans {output}.")
