"""Paying by bank transfer in Chromium: Marie sends a PIN code request and
chooses the transfer; the finance service imports the bank's CODA statement,
which settles it; the request goes on to Population. axe-core checks every page."""

from __future__ import annotations

from typing import Any

from beffroi.cases.models import Case
from beffroi.payments.contrib.transfer.coda_sample import SampleCredit, coda_sample
from beffroi.payments.contrib.transfer.structured import structured_display
from beffroi.payments.models import Payment
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user


class TransferJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()
        self.finance_agent = make_user(
            "gilles@tournai.example",
            first_name="Gilles",
            last_name="Masson",
            services=(("finances", "agent"),),
        )
        site = self.settings(SITE_URL=self.live_server_url)
        site.enable()
        self.addCleanup(site.disable)

    def finance_page(self) -> Any:
        page = self.new_page(self.browser.new_context(locale="fr-BE"))
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.finance_agent.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def test_a_finance_agent_imports_the_statement_that_settles_a_transfer(self) -> None:
        page = self.page
        self.login(self.people["citizen"].email, PASSWORD)
        self.visit("/demarches/nouveau-code-pin/")
        self.submit(page.get_by_role("button", name="Commencer"))
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Pour moi").check()
        page.get_by_label("Carte d'identité belge (eID)").check()
        page.get_by_label("Numéro de la carte").fill("592-1234567-89")
        page.get_by_label("J'ai oublié le code PIN").check()
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        self.submit(page.get_by_role("button", name="Envoyer et payer par virement"))

        payment = Payment.objects.get()
        communication = structured_display(payment.provider_reference)
        assert page.get_by_role("heading", name="Paiement en attente").is_visible()
        assert page.get_by_text(communication).is_visible()
        assert page.get_by_text("BE68 5390 0754 7034").is_visible()
        assert Case.objects.get().status == "awaiting_payment"

        finance = self.finance_page()
        self.visit("/backoffice/finances/", finance)
        statement = coda_sample(
            [
                SampleCredit(payment.amount, structured=payment.provider_reference),
                SampleCredit(payment.amount, free_text="COTISATION CLUB", name="ASBL SPORT"),
            ]
        )
        finance.get_by_label("Fichier CODA de la banque").set_input_files(
            {"name": "extrait-001.cod", "mimeType": "text/plain", "buffer": statement}
        )
        self.submit(finance.get_by_role("button", name="Importer l’extrait"), finance)
        assert finance.get_by_role("heading", name="Crédits bancaires à rapprocher").is_visible()
        assert finance.get_by_text("COTISATION CLUB").is_visible()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert Case.objects.get().status == "submitted"
        finance.context.close()

        self.visit(f"/paiement/{payment.idempotency_key}/retour/")
        assert page.get_by_role("heading", name="Paiement reçu").is_visible()
