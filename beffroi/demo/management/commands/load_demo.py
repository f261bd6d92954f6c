from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beffroi.demo.loading import load_demo
from beffroi.demo.personas import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Loads the demo municipality (Tournai) and its accounts; keeps existing data."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        self.stdout.write(
            f"Catalogue : {len(report.created)} démarche(s) créée(s), "
            f"{len(report.updated)} mise(s) à jour, {len(report.unchanged)} inchangée(s)."
        )
        self.stdout.write("\nComptes de démonstration (mot de passe : " + DEMO_PASSWORD + ")")
        width = max(len(p.email) for p in PERSONAS)
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email.ljust(width)}  {persona.role_label}")
        self.stdout.write(
            "\nPortail citoyen : http://127.0.0.1:8000/   "
            "Espace agents : http://127.0.0.1:8000/backoffice/   "
            "Courriels envoyés : http://127.0.0.1:8000/demo/courriels/"
        )
