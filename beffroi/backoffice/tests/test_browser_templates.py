"""A functional administrator adopts a cooperative's template in Chromium, and
follows its new version, with axe-core on every page visited."""

from __future__ import annotations

from typing import Any

from beffroi.catalogue.loader import SHIPPED_DIR, load_yaml, parse_categories
from beffroi.catalogue.models import Category, Procedure
from beffroi.catalogue.services import template_publish
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world

BIRTH_FILE = SHIPPED_DIR / "procedures" / "copie-acte-de-naissance.yaml"


class TemplateAdoptionJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world(catalogue=False)
        for category in parse_categories(load_yaml(SHIPPED_DIR / "categories.yaml")):
            Category.objects.create(
                slug=category.slug, name=category.name, position=category.position
            )
        template_publish(actor=None, data=load_yaml(BIRTH_FILE), source=BIRTH_FILE.name)

    def agent_page(self, email: str) -> Any:
        page = self.page
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def test_a_functional_administrator_adopts_a_template_then_follows_its_new_version(
        self,
    ) -> None:
        page = self.agent_page(self.people["admin"].email)
        self.submit(page.get_by_role("link", name="Modèles de la coopérative"), page)
        row = page.get_by_role("row", name="Copie d'acte de naissance")
        assert "Non adopté" in row.inner_text()
        self.submit(page.get_by_role("link", name="Adopter — Copie d'acte de naissance"), page)

        # The category and service the cooperative suggests are proposed.
        assert page.get_by_label("Catégorie du catalogue").input_value() != ""
        assert page.get_by_label("Service qui traite les demandes").input_value() != ""
        page.get_by_label("Titre", exact=True).fill("Copie d'acte de naissance (Tournai)")
        page.get_by_label("Montant demandé").fill("cinq")
        page.get_by_label("Coût, tel que le catalogue l’annonce").fill("5 €")
        self.submit(page.get_by_role("button", name="Adopter le modèle"), page)
        assert "Indiquez un montant en euros" in page.content()
        # What was typed is still there.
        assert (
            page.get_by_label("Titre", exact=True).input_value()
            == "Copie d'acte de naissance (Tournai)"
        )
        page.get_by_label("Montant demandé").fill("5,00")
        self.submit(page.get_by_role("button", name="Adopter le modèle"), page)
        assert "est créée à partir du modèle" in page.content()
        assert "Adopté : « Copie d'acte de naissance (Tournai) », version 1" in page.content()
        procedure = Procedure.objects.get(slug="copie-acte-de-naissance")
        assert str(procedure.fee_amount) == "5.00"

        data = load_yaml(BIRTH_FILE)
        data["processing_days"] = 3
        template_publish(actor=None, data=data, source=BIRTH_FILE.name)
        self.visit("/backoffice/commune/modeles/", page)
        assert "Nouvelle version disponible" in page.content()
        self.submit(page.get_by_role("link", name="Voir les changements — Copie d'acte"), page)
        assert (
            "+processing_days: 3"
            in page.get_by_role("region", name="Différences entre les deux versions").inner_text()
        )
        self.submit(page.get_by_role("button", name="Passer à la version 2"), page)
        assert "suit désormais la version 2" in page.content()
        procedure.refresh_from_db()
        assert procedure.processing_days == 3
        assert procedure.title == "Copie d'acte de naissance (Tournai)"
