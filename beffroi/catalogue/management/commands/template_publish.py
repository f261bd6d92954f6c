from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.catalogue.loader import DefinitionError, load_yaml
from beffroi.catalogue.services import template_publish
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality


class Command(BaseCommand):
    help = (
        "Publishes procedure files (the shipped format) as the cooperative's shared "
        "templates; a changed file becomes its template's next version and the "
        "municipalities that adopted it are told."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--municipality",
            default="",
            help="The municipality whose journal records the publication (its slug); "
            "required on an installation that serves several.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality_id = None
        if options["municipality"]:
            found = Municipality.objects.filter(slug=options["municipality"]).first()
            if found is None:
                raise CommandError(f"Commune inconnue : {options['municipality']}")
            municipality_id = found.pk
        with municipality_scope(municipality_id):
            for name in options["paths"]:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"Fichier introuvable : {path}")
                try:
                    published = template_publish(actor=None, data=load_yaml(path), source=path.name)
                except DefinitionError as error:
                    raise CommandError("Modèle refusé :\n" + "\n".join(error.problems)) from error
                version = published.version
                if published.is_new_version:
                    self.stdout.write(
                        f"{published.template.slug} : version {version.number} publiée, "
                        f"{published.municipalities_told} commune(s) prévenue(s)."
                    )
                else:
                    self.stdout.write(
                        f"{published.template.slug} : inchangé (version {version.number})."
                    )
