"""Pilot 1 in Chromium: ordering a birth certificate copy, end to end,
with axe-core on every page visited."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.core import mail

from beffroi.cases.models import Case
from beffroi.documents.sniff import sample_pdf
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world

PROOF = sample_pdf("justificatif")


class BirthCertificateJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def agent_page(self) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        page = context.new_page()
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people["other_agent"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def fill_the_act_pages(self, page: Any) -> None:
        page.get_by_label("Nom de famille de la personne née").fill("Dubois")
        page.get_by_label("Prénoms de la personne née").fill("Marie Louise")
        page.get_by_label("Date de naissance").fill("1985-07-30")
        page.get_by_label("Lieu de naissance").fill("Tournai")
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("C'est mon propre acte de naissance").check()
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Un extrait : nom, prénoms, date et lieu de naissance").check()
        page.get_by_role("group", name="Voulez-vous un extrait plurilingue ?").get_by_label(
            "Non"
        ).check()
        page.get_by_label("À quoi servira ce document ?").fill("Inscription à l’université")
        page.get_by_label("En PDF, à télécharger dès qu'il est prêt (le plus rapide)").check()
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))

    def test_a_citizen_orders_a_birth_certificate_copy_and_checks_it(self) -> None:
        page = self.page
        self.login(self.people["citizen"].email, PASSWORD)
        self.visit("/demarches/copie-acte-de-naissance/")
        self.submit(page.get_by_role("button", name="Commencer"))
        # "Tell us once": the requester’s page comes filled from the profile.
        assert page.get_by_label("Prénom", exact=True).input_value() == "Marie"
        self.submit(page.get_by_role("button", name="Continuer"))
        # A wrong date gets a message next to the field; nothing typed is lost.
        page.get_by_label("Nom de famille de la personne née").fill("Dubois")
        page.get_by_label("Date de naissance").fill("2030-01-01")
        self.submit(page.get_by_role("button", name="Continuer"))
        assert page.get_by_text("La date ne peut pas être dans le futur.").first.is_visible()
        assert page.get_by_label("Nom de famille de la personne née").input_value() == "Dubois"
        self.fill_the_act_pages(page)

        assert page.get_by_role(
            "heading", name="Vérifiez vos réponses avant d’envoyer"
        ).is_visible()
        assert page.get_by_text("Marie Louise").is_visible()
        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        assert page.get_by_role("heading", name="Votre demande est envoyée").is_visible()
        case = Case.objects.get()
        assert page.get_by_text(case.tracking_code).is_visible()
        assert case.service.code == "etat-civil"

        # The civil status agent asks for a missing document.
        agent = self.agent_page()
        self.visit("/backoffice/dossiers/service/etat-civil/", agent)
        self.submit(agent.get_by_role("link", name=case.reference), agent)
        agent.get_by_label("Commentaire pour le demandeur").fill(
            "Merci de joindre une copie de votre carte d’identité."
        )
        self.submit(
            agent.get_by_role("button", name="Demander une information au demandeur"), agent
        )
        assert agent.get_by_text("En attente du demandeur").first.is_visible()
        assert any("Une information est nécessaire" in m.subject for m in mail.outbox)

        # The citizen answers with a file, from "Mes démarches".
        self.visit("/mon-compte/demarches/")
        assert page.get_by_text("Votre réponse est attendue").is_visible()
        self.submit(page.get_by_role("link", name="Copie d'acte de naissance"))
        assert page.get_by_text(
            "Merci de joindre une copie de votre carte d’identité."
        ).first.is_visible()
        page.get_by_label("Votre message").fill("Voici ma carte d’identité.")
        page.get_by_label("Joindre des documents").set_input_files(
            {"name": "carte-identite.pdf", "mimeType": "application/pdf", "buffer": PROOF}
        )
        self.submit(page.get_by_role("button", name="Envoyer"))
        assert page.get_by_text("Votre message a été envoyé au service.").is_visible()
        assert page.get_by_role("link", name="carte-identite.pdf").is_visible()

        # The agent sees the answer and delivers the certificate.
        self.visit(f"/backoffice/dossiers/{case.reference}/", agent)
        assert agent.get_by_role("link", name="carte-identite.pdf").first.is_visible()
        self.submit(agent.get_by_role("button", name="Délivrer le document"), agent)
        assert agent.get_by_text("Délivré").first.is_visible()

        # The citizen downloads the PDF, and the public page confirms it.
        self.visit(case.get_absolute_url())
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("Acte de naissance")).click()
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF-")
        document = case.issued_documents.get()
        assert hashlib.sha256(pdf).hexdigest() == document.file.sha256
        self.visit("/mon-compte/documents/")
        assert page.get_by_role("link", name="Acte de naissance", exact=True).is_visible()
        self.visit(f"/verifier/{document.verification_code}/")
        assert page.get_by_role(
            "heading", name="Ce document est authentique et valable"
        ).is_visible()
        assert page.get_by_text(document.file.sha256).is_visible()
        self.visit("/verifier/")
        page.get_by_label("Le document PDF").set_input_files(
            {"name": "acte.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        self.submit(page.get_by_role("button", name="Vérifier le fichier"))
        assert page.get_by_text(
            "Ce fichier est exactement celui que la Ville de Tournai a délivré."
        ).is_visible()
        agent.context.close()

    def test_a_visitor_without_an_account_files_and_follows_with_the_tracking_code(self) -> None:
        page = self.page
        self.visit("/demarches/copie-acte-de-naissance/")
        self.submit(page.get_by_role("button", name="Commencer sans compte"))
        page.get_by_label("Prénom", exact=True).fill("Jean")
        page.get_by_label("Nom de famille").fill("Visiteur")
        page.get_by_label("Date de naissance").fill("1990-02-14")
        page.get_by_label("Adresse e-mail").fill("jean.visiteur@example.org")
        self.submit(page.get_by_role("button", name="Continuer"))
        self.fill_the_act_pages(page)
        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        code = Case.objects.get().tracking_code
        assert mail.outbox[-1].to == ["jean.visiteur@example.org"]
        assert code in mail.outbox[-1].body

        self.visit("/")
        page.get_by_label("Suivre une demande").fill(code.lower())
        self.submit(page.get_by_role("button", name="Suivre"))
        assert page.get_by_role("heading", name="Suivi de votre demande").is_visible()
        assert page.get_by_text("Demande reçue").first.is_visible()
        assert page.get_by_text("Visiteur").count() == 0  # nothing personal with the code alone
        page.get_by_label("Nom de famille").fill("VISITEUR")
        page.get_by_label("Date de naissance").fill("1990-02-14")
        self.submit(page.get_by_role("button", name="Voir le détail"))
        assert page.get_by_text("Marie Louise").is_visible()
        assert page.get_by_role("heading", name="Écrire au service").is_visible()
