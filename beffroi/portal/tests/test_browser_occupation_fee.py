"""A public-space occupation priced from its answers, in Chromium with
axe-core: the citizen changes the surface and the recap shows the new
computation before the request is sent."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.models import Case
from beffroi.payments.tests.helpers import sample_draft
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world


class OccupationPricedFromItsAnswersTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def test_the_recap_computes_the_price_from_the_surface_and_the_days(self) -> None:
        citizen = self.people["citizen"]
        draft = sample_draft(
            "occupation-espace-public",
            citizen,
            surface="12",
            start_date="2027-06-01",
            end_date="2027-06-03",
        )
        page = self.page
        self.login(citizen.email, PASSWORD)
        self.visit(reverse("portal:draft_check", args=[draft.pk]))
        assert page.get_by_text("0,50 € × 12 m² × 3 jours = 18,00 €").is_visible()

        # The citizen goes back and occupies more of the street.
        self.visit(reverse("portal:draft_page", args=[draft.pk, "occupation"]))
        page.get_by_label("Surface occupée").fill("20")
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        assert page.get_by_text("Montant estimé").first.is_visible()
        assert page.get_by_text("0,50 € × 20 m² × 3 jours = 30,00 €").is_visible()

        # A tiny one costs the minimum, and says so.
        self.visit(reverse("portal:draft_page", args=[draft.pk, "occupation"]))
        page.get_by_label("Surface occupée").fill("2")
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        assert page.get_by_text(
            "0,50 € × 2 m² × 3 jours = 3,00 € ; le minimum de 10,00 € s’applique"
        ).is_visible()

        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        case = Case.objects.get()
        assert str(case.answers["surface"]) in {"2", "2.0"}
