"""A supplement in Chromium: the agent of Mobilité asks for an amount on a
public-space occupation, the applicant without an account opens the
email's link, pays with the demo provider, and the agent sees it paid (the
permit issued). axe-core checks every page visited."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.payments.models import AmountDue
from beffroi.payments.tests.test_payment_requests import occupation_case
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user


class SupplementJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_world()
        self.mobility_agent = make_user(
            "marc@tournai.example",
            first_name="Marc",
            last_name="Lenoir",
            services=(("mobilite", "agent"),),
        )
        site = self.settings(SITE_URL=self.live_server_url)
        site.enable()
        self.addCleanup(site.disable)

    def agent_page(self) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        page = context.new_page()
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.mobility_agent.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def test_an_agent_asks_for_a_supplement_paid_from_the_email_link(self) -> None:
        case = occupation_case()
        case_transition(actor=self.mobility_agent, case=case, transition_id="take")

        agent = self.agent_page()
        self.visit(f"/backoffice/dossiers/{case.reference}/", agent)
        assert agent.get_by_label("Montant demandé (€)").input_value() == "22,50"
        agent.get_by_label("Montant demandé (€)").fill("35,00")
        agent.get_by_label("Objet du paiement").fill("Supplément : deux jours de plus")
        agent.get_by_label("Message pour le demandeur").fill("L'occupation est prolongée.")
        self.submit(agent.get_by_role("button", name="Demander le paiement"), agent)
        assert agent.get_by_text("Paiement de 35,00\u00a0€ demandé").is_visible()
        assert AmountDue.objects.get().reason == "Supplément : deux jours de plus"

        # The applicant has no account: the email's link is enough.
        email = next(m for m in mail.outbox if m.subject.startswith("Paiement demandé"))
        assert email.to == ["jean.visiteur@example.org"]
        link = re.search(r"https?://\S+(/paiement/demande/\S+/)", str(email.body))
        assert link is not None
        page = self.page
        self.visit(link.group(1))
        assert page.get_by_role("heading", name="Paiement demandé").is_visible()
        assert page.get_by_text("Supplément : deux jours de plus").is_visible()
        self.submit(page.get_by_role("button", name="Payer 35,00 €"))
        assert page.get_by_role("heading", name="Paiement de démonstration").is_visible()
        self.submit(page.get_by_role("button", name="Payer", exact=True))
        assert page.get_by_role("heading", name="Paiement reçu").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger le reçu (PDF)").click()
        assert download.value.path().read_bytes().startswith(b"%PDF-")
        self.visit(link.group(1))
        assert page.get_by_role("link", name="Télécharger le reçu (PDF)").is_visible()

        # The case went on (the permit is issued) and the agent sees it paid.
        assert Case.objects.get().status == "authorised"
        self.visit(f"/backoffice/dossiers/{case.reference}/", agent)
        payments = agent.locator("#payments")
        assert payments.get_by_text(re.compile("payé le")).first.is_visible()
        assert payments.get_by_text("Supplément : deux jours de plus").first.is_visible()
        assert agent.get_by_role("link", name="Reçu de paiement").is_visible()
        agent.context.close()
