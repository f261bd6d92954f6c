"""Paying in Chromium: a citizen orders a new PIN code, pays 2 € with the
demo provider, finds the receipt in « Mes paiements »; the agent then orders
the codes. axe-core checks every page visited."""

from __future__ import annotations

import re
from typing import Any

from beffroi.cases.models import Case
from beffroi.payments.models import Payment
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world


class PinCodePaymentJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()
        # The provider sends the payer back to the site's own address.
        site = self.settings(SITE_URL=self.live_server_url)
        site.enable()
        self.addCleanup(site.disable)

    def agent_page(self) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        page = context.new_page()
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people["agent"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def fill_the_pin_request(self, page: Any) -> None:
        self.visit("/demarches/nouveau-code-pin/")
        self.submit(page.get_by_role("button", name="Commencer"))
        self.submit(page.get_by_role("button", name="Continuer"))  # from the profile
        page.get_by_label("Pour moi").check()
        page.get_by_label("Carte d'identité belge (eID)").check()
        page.get_by_label("Numéro de la carte").fill("592-1234567-89")
        page.get_by_label("J'ai oublié le code PIN").check()
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))

    def test_a_citizen_pays_a_new_pin_code_and_the_agent_orders_it(self) -> None:
        page = self.page
        self.login(self.people["citizen"].email, PASSWORD)
        self.fill_the_pin_request(page)
        assert page.get_by_text("Montant fixe : 2,00\u00a0€").is_visible()
        self.submit(page.get_by_role("button", name="Payer et envoyer"))

        # The demo provider's own page.
        assert page.get_by_role("heading", name="Paiement de démonstration").is_visible()
        case = Case.objects.get()
        assert case.status == "awaiting_payment"
        self.submit(page.get_by_role("button", name="Payer", exact=True))
        assert page.get_by_role("heading", name="Paiement reçu").is_visible()
        assert page.get_by_text(case.reference).is_visible()
        case.refresh_from_db()
        assert case.status == "submitted"

        # « Mes paiements »: the payment, its case, its receipt.
        self.visit("/mon-compte/paiements/")
        assert page.get_by_role("cell", name="Payé", exact=True).is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("Télécharger le reçu")).click()
        assert download.value.path().read_bytes().startswith(b"%PDF-")
        assert Payment.objects.get().receipt is not None

        # The agent of Population orders the codes, now that they are paid.
        agent = self.agent_page()
        self.visit(f"/backoffice/dossiers/{case.reference}/", agent)
        assert agent.get_by_text("2,00 €").first.is_visible()
        self.submit(agent.get_by_role("button", name="Codes commandés au SPF Intérieur"), agent)
        case.refresh_from_db()
        assert case.status == "ordered"
        agent.context.close()

    def test_a_refused_card_is_tried_again_from_mes_paiements(self) -> None:
        page = self.page
        self.login(self.people["citizen"].email, PASSWORD)
        self.fill_the_pin_request(page)
        self.submit(page.get_by_role("button", name="Payer et envoyer"))
        self.submit(page.get_by_role("button", name="Refuser"))
        assert page.get_by_role("heading", name="Le paiement n’a pas abouti").is_visible()
        self.visit("/mon-compte/paiements/")
        assert page.get_by_role("cell", name="Refusé", exact=True).is_visible()
        self.submit(page.get_by_role("button", name=re.compile("^Payer")))
        self.submit(page.get_by_role("button", name="Payer", exact=True))
        assert page.get_by_role("heading", name="Paiement reçu").is_visible()
        assert Case.objects.get().status == "submitted"
        assert Payment.objects.count() == 2
