"""The public business directory: published pages only, by category, with
a search that ignores accents."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from beffroi.agenda.models import DirectoryEntry
from beffroi.agenda.services import DIRECTORY_REVISION, directory_entry_withdraw
from beffroi.agenda.tests.helpers import AgendaTestCase
from beffroi.core.revisions import revision_bump
from beffroi.core.text import fold


def page(name: str, category: str = "food", **values: Any) -> DirectoryEntry:
    address = {"street": "Rue Royale", "number": "25", "postcode": "7500", "city": "Tournai"}
    description = values.pop("description", "")
    return DirectoryEntry.objects.create(
        name=name,
        category=category,
        description=description,
        address=address,
        status=values.pop("status", DirectoryEntry.Status.PUBLISHED),
        published_at=timezone.now(),
        sort_name=fold(name),
        search_text=fold(f"{name} {description} rue royale 7500 tournai"),
        **values,
    )


class DirectoryPageTests(AgendaTestCase):
    def test_a_page_appears_only_once_approved(self):
        case = self.file_business()
        self.assertNotContains(self.client.get("/annuaire/"), "Boulangerie Lefebvre")
        entry = DirectoryEntry.objects.get()
        assert self.client.get(f"/annuaire/{entry.pk}/").status_code == 404
        self.approve(case)
        self.assertContains(self.client.get("/annuaire/"), "Boulangerie Lefebvre")
        shown = self.client.get(f"/annuaire/{entry.pk}/")
        self.assertContains(shown, "Boulangerie Lefebvre")
        self.assertContains(shown, 'href="tel:+3269223344"')
        self.assertContains(shown, "069 22 33 44")
        self.assertContains(shown, "Mardi à samedi : 7 h – 18 h")
        # The applicant's own details and the enterprise number stay private.
        for private in ("Dubois", "marie@example.org", "0403170701", "0403.170.701"):
            self.assertNotContains(shown, private)

    def test_a_pending_change_keeps_the_published_version_until_approved(self):
        self.approve(self.file_business())
        entry = DirectoryEntry.objects.get()
        case = self.file_change(changes=["description"], description="Désormais aussi traiteur.")
        shown = self.client.get(f"/annuaire/{entry.pk}/")
        self.assertContains(shown, "Pains au levain")
        self.assertNotContains(shown, "traiteur")
        self.assertNotContains(self.client.get("/annuaire/?q=traiteur"), "Boulangerie Lefebvre")
        self.approve(case)
        shown = self.client.get(f"/annuaire/{entry.pk}/")
        self.assertContains(shown, "Désormais aussi traiteur.")
        self.assertNotContains(shown, "Pains au levain")
        self.assertContains(self.client.get("/annuaire/?q=TRAITEUR"), "Boulangerie Lefebvre")

    def test_a_withdrawn_page_leaves_the_directory_and_says_so(self):
        entry = page("Fleurs de Lys")
        directory_entry_withdraw(actor=self.economy_agent, entry=entry)
        self.assertNotContains(self.client.get("/annuaire/"), "Fleurs de Lys")
        gone = self.client.get(f"/annuaire/{entry.pk}/")
        self.assertContains(gone, "n’est plus dans l’annuaire", status_code=410)

    def test_pages_are_grouped_by_category_in_alphabetical_order(self):
        page("Épicerie du Marché")
        page("Boucherie Vandamme")
        page("Café des Arts", category="horeca")
        html = self.client.get("/annuaire/").content.decode()
        order = [
            html.index(text)
            for text in (
                ">Alimentation</h2>",
                "Boucherie Vandamme",
                "Épicerie du Marché",
                ">Restaurant, café, hôtel</h2>",
                "Café des Arts",
            )
        ]
        assert order == sorted(order)

    def test_the_search_ignores_accents_and_case_and_needs_every_word(self):
        page("Épicerie fine Lefèvre", description="Fromages affinés et vins")
        page("Boulangerie Dupont", description="Pains et viennoiseries")
        self.assertContains(self.client.get("/annuaire/?q=epicerie"), "Épicerie fine Lefèvre")
        self.assertContains(self.client.get("/annuaire/?q=FROMAGES affines"), "Lefèvre")
        only = self.client.get("/annuaire/?q=fromages pains")
        self.assertContains(only, "Aucun commerce ne correspond")

    def test_the_category_filter_and_bad_values(self):
        page("Boucherie Vandamme")
        page("Café des Arts", category="horeca")
        html = self.client.get("/annuaire/?rubrique=horeca").content.decode()
        assert "Café des Arts" in html
        assert "Boucherie Vandamme" not in html
        bad = self.client.get("/annuaire/?rubrique=casino&q=" + "x" * 300)
        assert bad.status_code == 200
        self.assertContains(bad, "Choisissez une rubrique dans la liste.")
        self.assertContains(bad, "Saisissez au plus 100 caractères.")
        self.assertContains(self.client.get("/annuaire/?page=0"), "Cette page n’existe pas.")

    def test_the_list_costs_the_same_queries_whatever_its_length(self):
        page("Boucherie Vandamme")
        self.client.get("/annuaire/?rubrique=food")  # the city's identity, read once per process
        with self.assertNumQueries(3):  # revisions (one query), pages, counts per category
            self.client.get("/annuaire/")
        for index in range(40):
            page(f"Commerce {index:02d}", category=["food", "horeca", "services"][index % 3])
        revision_bump(key=DIRECTORY_REVISION)
        with self.assertNumQueries(3):
            response = self.client.get("/annuaire/")
        self.assertContains(response, "Page suivante")
        with self.assertNumQueries(1):  # the cached page
            self.client.get("/annuaire/")
