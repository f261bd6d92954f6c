"""The city's contact form: messages land in the mail register."""

from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from beffroi.mail.models import Channel, MailFile, MailItem, Status
from beffroi.mail.tests.helpers import MailTestCase, tiny_pdf
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import create_world


class ContactFormTests(MailTestCase):
    def test_a_visitor_writes_and_the_message_is_registered_with_a_number(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/contact/",
                {
                    "name": "Omar Haddad",
                    "email": "Omar@Example.org",
                    "subject": "Arbre tombé rue Royale",
                    "message": "Un arbre bloque le trottoir depuis ce matin.",
                    "attachments": [
                        SimpleUploadedFile("photo.pdf", tiny_pdf("arbre"), "application/pdf")
                    ],
                },
            )
        assert response.status_code == 302
        item = MailItem.objects.get()
        assert item.channel == Channel.WEB_FORM
        assert item.status == Status.TO_ROUTE
        assert item.subject == "Arbre tombé rue Royale"
        assert item.text == "Un arbre bloque le trottoir depuis ce matin."
        assert item.sender is not None
        assert (item.sender.name, item.sender.email) == ("Omar Haddad", "omar@example.org")
        assert item.citizen is None
        originals = item.files.filter(role=MailFile.Role.ORIGINAL).order_by("id")
        assert [f.filename for f in originals] == ["message.txt", "photo.pdf"]
        thanks = self.client.get(response["Location"]).content.decode()
        assert item.number in thanks
        assert mail.outbox[0].to == ["omar@example.org"]
        assert item.number in mail.outbox[0].subject
        assert "Un arbre bloque" not in mail.outbox[0].body

    def test_a_logged_in_citizen_is_linked_and_the_form_is_prefilled(self) -> None:
        self.client.force_login(self.citizen)
        html = self.client.get("/contact/").content.decode()
        assert 'value="Marie Dubois"' in html
        self.client.post(
            "/contact/",
            {
                "name": "Marie Dubois",
                "email": self.citizen.email,
                "subject": "Question",
                "message": "Bonjour",
            },
        )
        item = MailItem.objects.get()
        assert item.citizen == self.citizen
        assert item.sender is not None
        assert item.sender.user == self.citizen

    def test_mistakes_are_explained_in_french_and_nothing_typed_is_lost(self) -> None:
        response = self.client.post(
            "/contact/",
            {
                "name": "",
                "email": "omar@",
                "subject": "Bruit",
                "message": "Tapage nocturne chaque week-end.",
                "attachments": [
                    SimpleUploadedFile("script.sh", b"#!/bin/sh\nrm -rf /", "text/x-sh")
                ],
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Indiquez votre nom" in html
        assert "Saisissez une adresse e-mail complète" in html
        assert "« script.sh » n’est pas un fichier accepté" in html
        assert "joignez-les à nouveau" in html
        assert 'value="Bruit"' in html
        assert "Tapage nocturne chaque week-end." in html
        assert 'value="omar@"' in html
        assert MailItem.objects.count() == 0

    def test_too_many_messages_from_one_address_are_held_back_with_the_text_kept(self) -> None:
        data = {
            "name": "Robot",
            "email": "robot@example.org",
            "subject": "Pub",
            "message": "Achetez !",
        }
        for _ in range(5):
            assert self.client.post("/contact/", data).status_code == 302
        response = self.client.post("/contact/", data)
        assert response.status_code == 429
        html = response.content.decode()
        assert "Trop de messages envoyés" in html
        assert "Achetez !" in html
        assert MailItem.objects.count() == 5

    def test_the_thanks_page_without_a_message_leads_back_to_the_form(self) -> None:
        response = self.client.get("/contact/merci/")
        assert response["Location"] == "/contact/"


class ContactFormBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_world(catalogue=False)

    def test_a_visitor_corrects_a_mistake_and_sends_the_message(self) -> None:
        page = self.page
        self.visit("/contact/")
        page.get_by_label("Votre nom").fill("Omar Haddad")
        page.get_by_label("Votre adresse e-mail").fill("omar@")
        page.get_by_label("Objet").fill("Arbre tombé")
        page.get_by_label("Votre message").fill("Un arbre bloque le trottoir rue Royale.")
        self.submit(page.get_by_role("button", name="Envoyer mon message"))
        assert page.get_by_role("alert").is_visible()
        assert (
            page.get_by_label("Votre message").input_value()
            == "Un arbre bloque le trottoir rue Royale."
        )
        page.get_by_label("Votre adresse e-mail").fill("omar@example.org")
        self.submit(page.get_by_role("button", name="Envoyer mon message"))
        item = MailItem.objects.get()
        assert page.get_by_text(item.number).is_visible()
