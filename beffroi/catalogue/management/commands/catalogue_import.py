from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.catalogue.loader import SHIPPED_DIR, DefinitionError, load_yaml, parse_procedure
from beffroi.catalogue.services import catalogue_import, procedure_import
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality


class Command(BaseCommand):
    help = (
        "Imports procedure definitions: a catalogue folder (categories.yaml and procedures/) "
        "or one procedure file. A changed definition is published as a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(SHIPPED_DIR))
        parser.add_argument(
            "--municipality",
            metavar="SLUG",
            help="la commune dont c'est le catalogue (obligatoire quand l'installation en sert plusieurs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["municipality"]
        if slug is None:
            self._import(options)
            return
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"Aucune commune n'a l'identifiant « {slug} ».")
        with municipality_scope(municipality.pk):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        try:
            if path.is_dir():
                report = catalogue_import(actor=None, directory=path)
                self.stdout.write(
                    f"{len(report.created)} créée(s), {len(report.updated)} mise(s) à jour, "
                    f"{len(report.unchanged)} inchangée(s) ; versions publiées : "
                    f"{', '.join(report.versions) or 'aucune'}."
                )
                return
            if not path.exists():
                raise CommandError(f"Fichier introuvable : {path}")
            data = parse_procedure(load_yaml(path), path.name, shared_dir=SHIPPED_DIR)
            procedure = procedure_import(actor=None, data=data)
        except DefinitionError as error:
            raise CommandError("Définition refusée :\n" + "\n".join(error.problems)) from error
        version = procedure.current_version
        self.stdout.write(
            f"{procedure.slug} importée"
            + (f" (version en vigueur : {version.number})." if version else ".")
        )
