"""Antoing's portal in Chromium, at antoing.localhost (which Chromium resolves
to the loopback by itself), with axe-core on every page; Tournai on the same
server at localhost."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import override_settings

from beffroi.demo.loading import load_demo
from beffroi.testing.browser import BrowserTestCase


# What `make demo` allows and falls back to (BEFFROI_DEMO).
@override_settings(
    ALLOWED_HOSTS=["127.0.0.1", "localhost", ".localhost"], MUNICIPALITY_FALLBACK="tournai"
)
class AntoingInTheBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_demo()

    def test_antoings_home_and_catalogue_are_its_own(self) -> None:
        page = self.page
        antoing = f"http://antoing.localhost:{urlsplit(self.live_server_url).port}"
        page.goto(f"{antoing}/")
        self.axe(page)
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Bienvenue sur l’e-Guichet d’Antoing"
        assert page.locator(".site-header__name").inner_text() == (
            "Administration communale d'Antoing"
        )
        assert page.locator(".site-header__logo").evaluate("img => img.naturalWidth") > 0
        assert page.get_by_role("link", name="Demande de manifestation").count() == 0

        with page.expect_navigation():
            page.get_by_role("link", name="Nouveau code PIN pour la carte eID").click()
        self.axe(page)
        assert page.get_by_text("5 €", exact=True).is_visible()

        page.goto(f"{antoing}/categories/actes-et-certificats/")
        self.axe(page)
        assert page.get_by_role(
            "link", name="Extrait de casier judiciaire (ancien certificat de bonne vie et mœurs)"
        ).is_visible()

        # The same server still serves Tournai on localhost.
        self.visit("/")
        assert page.get_by_role("heading", level=1).inner_text().endswith("Ville de Tournai")
        assert page.get_by_role("link", name="Demande de manifestation").is_visible()
