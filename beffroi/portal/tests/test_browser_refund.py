"""A refund in Chromium with axe-core: the head of service refunds part of a
paid PIN code, confirming their password (a wrong one first), and the
citizen sees it in « Mes paiements »."""

from __future__ import annotations

from typing import Any

from beffroi.payments.models import Payment, Refund
from beffroi.payments.tests.helpers import pay_at_provider, pin_case, start_payment
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world


class RefundJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def agent_page(self, agent: Any) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        page = context.new_page()
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(agent.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def test_the_head_of_service_refunds_with_their_password_and_the_citizen_sees_it(
        self,
    ) -> None:
        citizen = self.people["citizen"]
        case = pin_case(citizen)
        pay_at_provider(start_payment(case, citizen))

        head = self.agent_page(self.people["supervisor"])
        self.visit(f"/backoffice/dossiers/{case.reference}/", head)
        head.get_by_label("Montant à rembourser (€)").fill("0,50")
        head.get_by_label("Motif du remboursement").fill("Frais d’envoi non dus")
        head.get_by_label("Votre mot de passe").fill("not-my-password")
        self.submit(head.get_by_role("button", name="Rembourser"), head)
        assert (
            head.get_by_role("alert")
            .get_by_text("Mot de passe incorrect : le remboursement n'est pas fait.")
            .is_visible()
        )
        assert head.get_by_label("Montant à rembourser (€)").input_value() == "0,50"
        assert head.get_by_label("Motif du remboursement").input_value() == (
            "Frais d’envoi non dus"
        )
        assert not Refund.objects.exists()

        head.get_by_label("Votre mot de passe").fill(PASSWORD)
        self.submit(head.get_by_role("button", name="Rembourser"), head)
        assert head.get_by_text("Remboursement de 0,50\u00a0€ enregistré.").is_visible()
        assert Payment.objects.get().status == Payment.Status.REFUNDED_PARTIALLY
        head.context.close()

        page = self.page
        self.login(citizen.email, PASSWORD)
        self.visit("/mon-compte/paiements/")
        assert page.get_by_role("cell", name="Remboursé en partie", exact=True).is_visible()
        assert page.get_by_text("dont 0,50 € remboursés").is_visible()
