"""Pilot 3 in Chromium: a letter and an email registered, read, routed and answered,
with axe-core on every page visited."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from imap_tools import MailBoxUnencrypted

from beffroi.mail.models import MailItem, ReplyTemplate, Status
from beffroi.mail.routing import features_for, routing_learn
from beffroi.mail.services import mail_reference_data_load, mail_reply_draft, mail_reply_send
from beffroi.mail.tests.dovecot import Dovecot, dovecot_binary
from beffroi.mail.tests.helpers import require_tools, scan_png, tiny_pdf
from beffroi.mail.tests.test_imap import letter_email
from beffroi.municipality.models import Service
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user
from bench.mail_corpus import generate


class MailRegisterJourneyTests(BrowserTestCase):
    server: Dovecot

    @classmethod
    def setUpClass(cls) -> None:
        if dovecot_binary() is None:
            if os.environ.get("CI") == "true":
                raise RuntimeError("dovecot is missing: scripts/system-deps.sh test installs it")
            pytest.skip("dovecot is missing (apt-get install dovecot-imapd)")
        super().setUpClass()
        cls.server = Dovecot()
        cls.server.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        require_tools("tesseract", "gs")
        super().setUp()
        self.people = create_world(catalogue=False)
        self.clerk = make_user(
            "karim@tournai.example",
            first_name="Karim",
            last_name="Mertens",
            services=(("courrier", "mail_clerk"),),
        )
        self.urbanism_agent = make_user(
            "lea@tournai.example",
            first_name="Léa",
            last_name="Van Damme",
            services=(("urbanisme", "agent"),),
        )
        mail_reference_data_load(actor=None)
        # The mail office's past routings, from which suggestions are learned.
        services = dict(Service.objects.values_list("code", "pk"))
        for letter in generate(400, seed=11):
            routing_learn(
                features=features_for(subject=letter.subject, text=letter.text),
                service_id=services[letter.service],
                type_id=None,
            )

    def agent_page(self, email: str) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        self.addCleanup(context.close)
        page = self.new_page(context)
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def test_a_letter_and_an_email_are_registered_read_routed_and_answered(self) -> None:
        page = self.agent_page(self.clerk.email)
        letter = self.register_a_scanned_letter(page)
        email_item = self.poll_an_email()
        assert email_item.number != letter.number
        self.search_and_route(page, letter, email_item)
        self.answer_by_email(letter)

    def register_a_scanned_letter(self, page: Any) -> MailItem:
        self.visit("/backoffice/courrier/enregistrer/", page)
        # Keyboard first: the subject has the focus; Tab goes to the sender.
        assert page.evaluate("document.activeElement.id") == "id_subject"
        page.keyboard.type("Demande de renseignements")
        page.keyboard.press("Tab")
        page.keyboard.type("Hélène Dupré <helene.dupre@example.org>")
        page.get_by_label("Adresse postale de l’expéditeur (rue et numéro)").fill(
            "Rue des Bouchers Saint-Jacques 14"
        )
        page.get_by_label("Code postal").fill("7500")
        page.get_by_label("Localité").fill("Tournai")
        folder = Path(tempfile.mkdtemp(prefix="scan-"))
        self.addCleanup(shutil.rmtree, folder, True)
        scan = folder / "lettre-dupre.png"
        scan.write_bytes(scan_png())
        page.get_by_label("Fichiers (scan, pièces)").set_input_files(str(scan))
        page.get_by_label("Objet").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Enter submits, OCR runs after the commit
        self.axe(page)
        letter = MailItem.objects.get(channel="scan")
        assert page.get_by_text(f"Courrier enregistré sous le numéro {letter.number}.").is_visible()
        assert page.evaluate("document.activeElement.id") == "id_subject"  # ready for the next one
        assert letter.sender is not None
        assert letter.sender.postcode == "7500"
        return letter

    def poll_an_email(self) -> MailItem:
        """An email arrives in the city's mailbox and is polled."""
        user = "courrier"
        with MailBoxUnencrypted(self.server.host, self.server.port).login(
            user, self.server.password
        ) as box:
            box.append(
                letter_email(message_id="<haie-42@example.org>", subject="Haie", html=True),
                "INBOX",
                flag_set=[],
            )
        with override_settings(
            MAIL_IMAP_HOST=self.server.host,
            MAIL_IMAP_PORT=self.server.port,
            MAIL_IMAP_USER=user,
            MAIL_IMAP_PASSWORD=self.server.password,
            MAIL_IMAP_SSL=False,
        ):
            call_command("mail_poll_imap", verbosity=0)
        return MailItem.objects.get(channel="email")

    def search_and_route(self, page: Any, letter: MailItem, email_item: MailItem) -> None:
        # Both are in the incoming register; the OCR text is searchable.
        self.visit("/backoffice/courrier/registre/entrant/", page)
        assert page.get_by_role("link", name=letter.number).is_visible()
        assert page.get_by_role("link", name=email_item.number).is_visible()
        page.get_by_role("searchbox", name="Rechercher").fill("vérandas")
        self.submit(page.get_by_role("button", name="Rechercher"), page)
        assert page.get_by_role("link", name=letter.number).is_visible()
        assert page.get_by_role("link", name=email_item.number).count() == 0

        # The suggestion routes the letter in one click.
        self.submit(page.get_by_role("link", name=letter.number), page)
        assert page.get_by_text("Texte lu par OCR").is_visible()
        self.submit(page.get_by_role("button", name="Accepter : ventiler vers Urbanisme"), page)
        letter.refresh_from_db()
        assert letter.treating_service is not None
        assert letter.treating_service.code == "urbanisme"
        assert letter.status == Status.ROUTED
        # The clerk is back on the search they came from.
        assert page.get_by_text(f"{letter.number} est ventilé vers Urbanisme.").is_visible()
        assert page.get_by_role("searchbox", name="Rechercher").input_value() == "vérandas"

    def answer_by_email(self, letter: MailItem) -> None:
        """The urbanism service answers with a reply from a template."""
        service_page = self.agent_page(self.urbanism_agent.email)
        self.visit("/backoffice/courrier/", service_page)
        self.submit(service_page.get_by_role("link", name=letter.number), service_page)
        service_page.get_by_label("Modèle de réponse").select_option(label="Accusé de réception")
        self.submit(service_page.get_by_role("button", name="Préparer la réponse"), service_page)
        reply = MailItem.objects.get(in_reply_to=letter)
        assert (
            service_page.get_by_role("heading", level=1)
            .inner_text()
            .startswith("Accusé de réception")
        )
        body = service_page.get_by_label("Texte de la réponse")
        assert letter.number in body.input_value()
        assert body.input_value().startswith("Bonjour Hélène Dupré,")
        body.fill(
            body.input_value().replace("qui le traite.", "qui le traite. Un permis est requis.")
        )
        self.submit(service_page.get_by_role("button", name="Enregistrer le texte"), service_page)
        service_page.get_by_label("Par courriel").check()
        self.submit(service_page.get_by_role("button", name="Envoyer la réponse"), service_page)
        assert service_page.get_by_text("La réponse est envoyée par courriel.").is_visible()
        assert any("Un permis est requis." in message.body for message in mail.outbox)

        # The outgoing register shows the reply with its own number.
        self.visit("/backoffice/courrier/registre/sortant/", service_page)
        assert service_page.get_by_role("link", name=reply.number).is_visible()
        letter.refresh_from_db()
        assert letter.status == Status.ANSWERED


class MailWithoutJavaScriptTests(BrowserTestCase):
    javascript_enabled = False

    def setUp(self) -> None:
        super().setUp()
        create_world(catalogue=False)
        self.clerk = make_user("karim@tournai.example", services=(("courrier", "mail_clerk"),))
        mail_reference_data_load(actor=None)

    def test_the_mail_office_drops_a_batch_of_scans_and_routes_one_without_javascript(self) -> None:
        page = self.page
        self.visit("/backoffice/connexion/")
        page.get_by_label("Adresse e-mail professionnelle").fill(self.clerk.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"))
        self.visit("/backoffice/courrier/lot/")
        folder = Path(tempfile.mkdtemp(prefix="scans-"))
        self.addCleanup(shutil.rmtree, folder, True)
        paths = []
        for number in range(3):
            path = folder / f"scan-{number}.pdf"
            path.write_bytes(tiny_pdf(f"scan {number}"))
            paths.append(str(path))
        page.get_by_label("Scans du jour").set_input_files(paths)
        self.submit(page.get_by_role("button", name="Enregistrer les scans"))
        assert page.get_by_role("heading", name="3 courriers enregistrés").is_visible()
        first = MailItem.objects.order_by("sequence").first()
        assert first is not None
        self.submit(page.get_by_role("link", name=first.number))
        page.get_by_label("Service traitant").select_option(label="Finances et taxes")
        page.locator("#id_route-document_type").select_option(label="Facture")
        self.submit(page.get_by_role("button", name="Ventiler", exact=True))
        first.refresh_from_db()
        assert first.treating_service is not None
        assert first.treating_service.code == "finances"
        assert first.due_on is not None

        # A reply to print opens as a printable letter.
        template = ReplyTemplate.objects.get(code="accuse-reception")
        reply = mail_reply_draft(actor=self.clerk, item=first, template=template)
        mail_reply_send(actor=self.clerk, reply=reply, method="print")
        finance_agent = make_user("ines@tournai.example", services=(("finances", "agent"),))
        self.visit("/backoffice/connexion/")
        page.get_by_label("Adresse e-mail professionnelle").fill(finance_agent.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"))
        self.visit(f"/backoffice/courrier/{reply.pk}/imprimer/")
        assert page.get_by_role("heading", name=f"Objet : {reply.subject}").is_visible()
