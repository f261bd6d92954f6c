"""A citizen's first visit, in Chromium, with axe-core on every page."""

from __future__ import annotations

import re

from django.core import mail

from beffroi.accounts.models import User
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world


class CitizenFrontDoorTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def test_a_visitor_finds_a_procedure_signs_up_and_completes_the_profile(self) -> None:
        page = self.page
        self.visit("/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Bienvenue")
        page.get_by_label("Que cherchez-vous ?").fill("je déménage")
        self.submit(page.get_by_role("button", name="Rechercher"))
        self.submit(page.get_by_role("link", name="Déclaration de changement d'adresse"))
        assert page.get_by_text("carte d’identité électronique").first.is_visible()

        self.submit(page.get_by_role("link", name="Créer un compte").first)
        page.get_by_label("Adresse e-mail", exact=True).fill("anne@example.org")
        page.get_by_label("Prénom").fill("Anne")
        page.get_by_label("Nom", exact=True).fill("Leclercq")
        page.get_by_label("Mot de passe", exact=True).fill("court")
        page.get_by_label("Mot de passe (confirmation)").fill("court")
        self.submit(page.get_by_role("button", name="Créer mon compte"))
        assert page.get_by_role("alert").is_visible()
        assert page.get_by_label("Prénom").input_value() == "Anne"
        page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe-solide")
        page.get_by_label("Mot de passe (confirmation)").fill("un-mot-de-passe-solide")
        self.submit(page.get_by_role("button", name="Créer mon compte"))
        assert "confirm" in page.url

        link = re.search(r"https?://\S+", str(mail.outbox[-1].body))
        assert link
        self.visit(re.sub(r"^https?://[^/]+", "", link.group(0)))
        self.submit(page.get_by_role("button", name="Confirmer"))
        assert page.get_by_role("heading", name="Bonjour Anne").is_visible()

        self.submit(page.get_by_role("link", name="Mon profil").first)
        self.submit(page.get_by_role("link", name="Modifier mon profil"))
        page.get_by_label("Numéro de registre national").fill("85.07.30-033.29")
        page.get_by_label("Rue").fill("Rue Royale")
        self.submit(page.get_by_role("button", name="Enregistrer"))
        assert page.get_by_text("n'est pas valide").first.is_visible()
        assert page.get_by_label("Rue").input_value() == "Rue Royale"
        page.get_by_label("Numéro de registre national").fill("85.07.30-033.28")
        self.submit(page.get_by_role("button", name="Enregistrer"))
        assert page.get_by_text("Votre profil est enregistré.").is_visible()
        assert User.objects.get(email="anne@example.org").national_number == "85073003328"

    def test_the_catalogue_can_be_used_with_the_keyboard_alone(self) -> None:
        page = self.page
        self.visit("/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        page.keyboard.press("Enter")
        # From the main content, the search box is the next thing the keyboard reaches.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "home-search"
        page.keyboard.type("naissance")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.axe()
        first_result = page.locator(".procedure-item__title a").first
        assert first_result.inner_text() == "Copie d'acte de naissance"
        first_result.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.axe()
        assert page.get_by_role("heading", level=1).inner_text() == "Copie d'acte de naissance"

    def test_the_portal_reads_well_on_a_phone_and_at_200_percent_zoom(self) -> None:
        for width in (360, 640):
            page = self.new_page()
            page.set_viewport_size({"width": width, "height": 800})
            for path in ("/", "/demarches/extrait-de-casier-judiciaire/", "/compte/signup/"):
                self.visit(path, page)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} scrolls sideways at {width}px"


class NoJavaScriptTests(BrowserTestCase):
    javascript_enabled = False

    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def test_search_tracking_and_login_work_without_javascript(self) -> None:
        page = self.page
        self.visit("/")
        page.get_by_label("Que cherchez-vous ?").fill("casier")
        self.submit(page.get_by_role("button", name="Rechercher"))
        assert page.get_by_role("link", name="Extrait de casier judiciaire").is_visible()
        self.visit("/")
        page.get_by_label("Suivre une demande").fill("abc")
        self.submit(page.get_by_role("button", name="Suivre"))
        assert page.get_by_text("Un code de suivi compte 8 lettres").first.is_visible()
        self.login(self.people["citizen"].email, PASSWORD)
        assert page.get_by_role("heading", name="Bonjour Marie").is_visible()


class BackofficeDoorTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world(catalogue=False)

    def test_agents_have_their_own_door_and_citizens_are_turned_away(self) -> None:
        page = self.page
        self.visit("/backoffice/")
        assert "/backoffice/connexion/" in page.url
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people["citizen"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"))
        assert page.get_by_text("n'a pas accès à l'espace agents").first.is_visible()
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people["agent"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"))
        assert page.get_by_role("heading", name="Bonjour Sophie").is_visible()

        citizen_page = self.browser.new_context().new_page()
        self.context_pages = [citizen_page]
        self.login(self.people["citizen"].email, PASSWORD, citizen_page)
        response = self.visit("/backoffice/", citizen_page)
        assert response.status == 403
        citizen_page.context.close()
