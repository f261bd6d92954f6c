from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beffroi.demo.loading import ANTOING, TOURNAI, load_demo
from beffroi.demo.personas import (
    ANTOING_PERSONAS,
    COOPERATIVE_PERSONA,
    DEMO_PASSWORD,
    PERSONAS,
    Persona,
)

# Where each municipality of the demo answers (`run_demo` serves port 8000).
ADDRESSES = {TOURNAI: "http://127.0.0.1:8000", ANTOING: "http://antoing.localhost:8000"}
NAMES = {TOURNAI: "Tournai", ANTOING: "Antoing"}
OF = {TOURNAI: "de Tournai", ANTOING: "d’Antoing"}


class Command(BaseCommand):
    help = (
        "Loads the demo's municipalities (Tournai, Antoing), their accounts and the "
        "cooperative's administrator; keeps existing data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        for slug, catalogue in report.catalogues.items():
            self.stdout.write(
                f"Catalogue {OF[slug]} : {len(catalogue.created)} démarche(s) créée(s), "
                f"{len(catalogue.updated)} mise(s) à jour, "
                f"{len(catalogue.unchanged)} inchangée(s)."
            )
        self.stdout.write("\nComptes de démonstration (mot de passe : " + DEMO_PASSWORD + ")")
        everyone = (*PERSONAS, *ANTOING_PERSONAS, COOPERATIVE_PERSONA)
        width = max(len(persona.email) for persona in everyone)
        for slug, personas in ((TOURNAI, PERSONAS), (ANTOING, ANTOING_PERSONAS)):
            address = ADDRESSES[slug]
            self.stdout.write(f"\n{NAMES[slug]} — {address}/")
            self._accounts(personas, width)
            self.stdout.write(
                f"  Portail citoyen : {address}/   Espace agents : {address}/backoffice/   "
                f"Courriels envoyés : {address}/demo/courriels/"
            )
        tournai = ADDRESSES[TOURNAI]
        self.stdout.write("\nCoopérative (toutes les communes hébergées)")
        self._accounts((COOPERATIVE_PERSONA,), width)
        self.stdout.write(
            f"  Communes : {tournai}/admin/municipality/municipality/   "
            f"Utilisation : {tournai}/admin/municipality/municipality/usage/"
        )

    def _accounts(self, personas: tuple[Persona, ...], width: int) -> None:
        for persona in personas:
            self.stdout.write(f"  {persona.email.ljust(width)}  {persona.role_label}")
