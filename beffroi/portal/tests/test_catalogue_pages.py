from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from beffroi.catalogue.models import Procedure
from beffroi.testing.personas import create_world


class CataloguePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        create_world()

    def test_home_lists_every_published_procedure_by_category(self) -> None:
        response = self.client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        for procedure in Procedure.objects.all():
            assert procedure.get_absolute_url() in html, procedure.slug
        for text in ("Actes et certificats", "Suivre une demande", "Je crée mon compte"):
            assert text in html

    def test_home_costs_one_query_once_the_catalogue_is_cached(self) -> None:
        self.client.get("/")
        with self.assertNumQueries(1):
            self.client.get("/")

    def test_home_shows_a_change_to_the_catalogue_at_once(self) -> None:
        from beffroi.catalogue.services import catalogue_import

        self.client.get("/")
        Procedure.objects.filter(slug="carte-handicape").update(is_published=False)
        catalogue_import(actor=None)  # bumps the catalogue revision
        html = self.client.get("/").content.decode()
        assert "/demarches/carte-handicape/" not in html

    def test_procedure_page_says_who_what_cost_time_eid_and_service(self) -> None:
        response = self.client.get(reverse("portal:procedure", args=["nouveau-code-pin"]))
        html = response.content.decode()
        for text in ("Pour qui ?", "À préparer", "2 €", "jours ouvrables", "Population"):
            assert text in html, text

    def test_eid_procedure_explains_that_eid_login_is_coming(self) -> None:
        html = self.client.get("/demarches/changement-adresse/").content.decode()
        assert "carte d’identité électronique" in html

    def test_an_unknown_procedure_is_a_french_404(self) -> None:
        response = self.client.get("/demarches/nexiste-pas/")
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()

    def test_category_page_lists_its_procedures(self) -> None:
        html = self.client.get("/categories/mobilite/").content.decode()
        assert (
            "occupation de l&#x27;espace public" in html or "occupation de l'espace public" in html
        )

    def test_search_page_finds_and_reports_counts(self) -> None:
        html = self.client.get("/recherche/", {"q": "déménagement"}).content.decode()
        assert "/demarches/changement-adresse/" in html
        assert "trouvée" in html

    def test_search_with_nothing_typed_asks_for_a_word(self) -> None:
        response = self.client.get("/recherche/", {"q": ""})
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in response.content.decode()

    def test_search_with_no_result_suggests_browsing(self) -> None:
        html = self.client.get("/recherche/", {"q": "xylophone"}).content.decode()
        assert "Aucune démarche trouvée" in html
        assert "Voir toutes les démarches" in html

    def test_hostile_input_never_breaks_search(self) -> None:
        for query in ("<script>alert(1)</script>", "' OR 1=1 --", "\x00", "é" * 500, "%%%"):
            response = self.client.get("/recherche/", {"q": query})
            assert response.status_code == 200
            assert "<script>alert(1)</script>" not in response.content.decode()
