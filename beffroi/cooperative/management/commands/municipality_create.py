from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.cooperative.services import municipality_create


class Command(BaseCommand):
    help = "Crée une commune hébergée par la coopérative, avec son premier administrateur."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="identifiant, par exemple antoing")
        parser.add_argument("--name", required=True, help="nom officiel")
        parser.add_argument(
            "--host", action="append", required=True, dest="hosts", help="adresse du guichet"
        )
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", default="")
        parser.add_argument("--admin-last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            municipality = municipality_create(
                actor=None,
                slug=options["slug"],
                name=options["name"],
                hosts=options["hosts"],
                admin_email=options["admin_email"],
                admin_first_name=options["admin_first_name"],
                admin_last_name=options["admin_last_name"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Commune « {municipality.name} » créée (identifiant {municipality.slug}, "
            f"n° {municipality.pk}) ; un courriel est parti vers {options['admin_email']}."
        )
