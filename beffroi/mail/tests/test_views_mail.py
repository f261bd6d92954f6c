"""The mail screens: the mail office registers and routes, the services treat and answer."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beffroi.mail.models import Channel, Confidentiality, MailItem, ReplyTemplate, Status
from beffroi.mail.services import IncomingFile, mail_register, mail_route
from beffroi.mail.tests.helpers import MailTestCase, tiny_pdf

BASE = "/backoffice/courrier/"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


class RegisterScreenTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.clerk)

    def test_the_clerk_registers_an_item_and_gets_an_empty_form_for_the_next(self) -> None:
        page = self.client.get(f"{BASE}enregistrer/").content.decode()
        assert "autofocus" in page
        response = self.client.post(
            f"{BASE}enregistrer/",
            {
                "subject": "Demande de permis",
                "sender": "Hélène Dupré <helene@example.org>",
                "channel": Channel.SCAN,
                "received_on": timezone.localdate().isoformat(),
                "confidentiality": Confidentiality.NORMAL,
                "documents": [upload("lettre.pdf", tiny_pdf("lettre"))],
            },
            follow=True,
        )
        item = MailItem.objects.get()
        assert item.sender is not None
        assert (item.sender.name, item.sender.email) == ("Hélène Dupré", "helene@example.org")
        assert item.files.count() == 1
        html = response.content.decode()
        assert f"Courrier enregistré sous le numéro {item.number}." in html
        assert 'value="Demande de permis"' not in html

    def test_wrong_input_gets_french_messages_next_to_the_fields_and_nothing_is_lost(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.client.post(
            f"{BASE}enregistrer/",
            {
                "subject": "Réclamation voirie",
                "sender": "Jean Martin",
                "sender_email": "jean@",
                "channel": Channel.SCAN,
                "received_on": tomorrow.isoformat(),
                "confidentiality": Confidentiality.NORMAL,
                "documents": [upload("virus.exe", b"MZ\x90\x00 not a document")],
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Saisissez une adresse e-mail complète" in html
        assert "ne peut pas être dans le futur" in html
        assert "« virus.exe » n’est pas un fichier accepté" in html
        assert 'value="Réclamation voirie"' in html
        assert 'value="Jean Martin"' in html
        assert 'aria-invalid="true"' in html
        assert MailItem.objects.count() == 0

    def test_a_batch_of_scans_is_registered_in_one_go(self) -> None:
        files = [upload(f"scan-{n}.pdf", tiny_pdf(f"scan {n}")) for n in range(3)]
        response = self.client.post(
            f"{BASE}lot/",
            {
                "scans": files,
                "received_on": timezone.localdate().isoformat(),
                "confidentiality": "normal",
            },
        )
        html = response.content.decode()
        assert "3 courriers enregistrés" in html
        assert MailItem.objects.filter(channel=Channel.SCAN).count() == 3

    def test_a_batch_with_a_file_that_is_not_a_scan_is_refused_whole(self) -> None:
        response = self.client.post(
            f"{BASE}lot/",
            {
                "scans": [upload("a.pdf", tiny_pdf("a")), upload("b.txt", b"hello", "text/plain")],
                "received_on": timezone.localdate().isoformat(),
                "confidentiality": "normal",
            },
        )
        assert "« b.txt » n’est pas un fichier accepté" in response.content.decode()
        assert MailItem.objects.count() == 0

    def test_only_the_mail_office_registers(self) -> None:
        self.client.force_login(self.agent)
        assert self.client.get(f"{BASE}enregistrer/").status_code == 403
        assert self.client.get(f"{BASE}lot/").status_code == 403
        self.client.force_login(self.citizen)
        assert self.client.get(f"{BASE}").status_code == 403


class RegisterListTests(MailTestCase):
    def test_the_register_lists_items_with_a_constant_number_of_queries(self) -> None:
        for number in range(3):
            mail_register(actor=self.clerk, channel=Channel.PAPER, subject=f"Lettre {number}")
        self.client.force_login(self.clerk)
        self.client.get(f"{BASE}registre/entrant/")  # warms the city's cached identity
        with CaptureQueriesContext(connection) as few:
            response = self.client.get(f"{BASE}registre/entrant/")
        assert response.content.decode().count("Lettre ") == 3
        for number in range(3, 10):
            mail_register(actor=self.clerk, channel=Channel.PAPER, subject=f"Lettre {number}")
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(f"{BASE}registre/entrant/")
        assert response.content.decode().count("Lettre ") == 10

    def test_filters_that_make_no_sense_are_explained(self) -> None:
        self.client.force_login(self.clerk)
        html = self.client.get(
            f"{BASE}registre/entrant/",
            {"received_from": "2026-03-31", "received_to": "2026-03-01", "q": "permis"},
        ).content.decode()
        assert "Cette date précède la date de début." in html
        assert 'value="permis"' in html

    def test_an_unknown_register_does_not_exist(self) -> None:
        self.client.force_login(self.clerk)
        assert self.client.get(f"{BASE}registre/lateral/").status_code == 404


class ItemScreenTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.item = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            subject="Facture 2026-118",
            document_type=self.document_type("facture"),
            files=[IncomingFile("facture.pdf", tiny_pdf("facture"))],
        )
        self.url = f"{BASE}{self.item.pk}/"

    def test_the_clerk_accepts_the_suggested_routing_in_one_click(self) -> None:
        self.client.force_login(self.clerk)
        html = self.client.get(self.url).content.decode()
        assert "Accepter : ventiler vers Finances et taxes" in html
        response = self.client.post(
            f"{self.url}ventiler/suggestion/", {"lock_version": self.item.lock_version}
        )
        assert response.status_code == 302
        self.item.refresh_from_db()
        assert self.item.treating_service == self.service("finances")
        assert self.item.status == Status.ROUTED

    def test_routing_with_an_outdated_page_keeps_the_choice_and_explains(self) -> None:
        self.client.force_login(self.clerk)
        old = self.item.lock_version
        mail_route(actor=self.clerk, item=self.item, service=self.service("travaux"))
        response = self.client.post(
            f"{self.url}ventiler/",
            {"route-service": self.service("finances").pk, "route-lock_version": old},
        )
        html = response.content.decode()
        assert "modifié par quelqu’un d’autre" in html
        assert f'value="{old + 1}"' in html  # the next submit acts on the item as it is now
        self.item.refresh_from_db()
        assert self.item.treating_service == self.service("travaux")

    def test_routing_without_a_service_says_what_is_missing(self) -> None:
        self.client.force_login(self.clerk)
        html = self.client.post(
            f"{self.url}ventiler/", {"route-lock_version": self.item.lock_version}
        ).content.decode()
        assert "Choisissez le service qui traite ce courrier." in html

    def test_files_are_served_only_to_who_may_read_them(self) -> None:
        mail_route(actor=self.clerk, item=self.item, service=self.service("population"))
        file_url = f"{self.url}fichiers/{self.item.files.get().pk}/"
        self.client.force_login(self.agent)
        response = self.client.get(file_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(cast(Any, response).streaming_content).startswith(b"%PDF")
        self.client.force_login(self.other_agent)
        assert self.client.get(file_url).status_code == 403
        assert self.client.get(self.url).status_code == 403
        assert self.client.get(f"{BASE}999999/").status_code == 404

    def test_restricted_content_is_hidden_from_the_mail_office(self) -> None:
        secret = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            subject="Personnel et confidentiel",
            confidentiality=Confidentiality.RESTRICTED,
            files=[IncomingFile("secret.pdf", tiny_pdf("secret"))],
        )
        mail_route(actor=self.clerk, item=secret, service=self.service("ressources-humaines"))
        self.client.force_login(self.clerk)
        html = self.client.get(f"{BASE}{secret.pk}/").content.decode()
        assert "son contenu ne vous est pas accessible" in html
        assert "secret.pdf" not in html
        assert (
            self.client.get(f"{BASE}{secret.pk}/fichiers/{secret.files.get().pk}/").status_code
            == 403
        )

    def test_a_service_treats_and_answers_with_a_template(self) -> None:
        mail_route(actor=self.clerk, item=self.item, service=self.service("population"))
        self.client.force_login(self.agent)
        response = self.client.post(
            f"{self.url}attribuer/",
            {"assign-agent": self.agent.pk, "assign-lock_version": self.item.lock_version + 1},
        )
        assert response.status_code == 302
        self.client.post(f"{self.url}notes/", {"note-text": "Vérifier le bon de commande"})
        template = ReplyTemplate.objects.get(code="accuse-reception")
        response = self.client.post(f"{self.url}repondre/", {"reply-template": template.pk})
        reply = MailItem.objects.get(in_reply_to=self.item)
        assert response["Location"] == f"{BASE}{reply.pk}/"
        html = self.client.get(response["Location"]).content.decode()
        assert "Accusé de réception" in html
        response = self.client.post(
            f"{BASE}{reply.pk}/reponse/envoyer/", {"send-method": "email", "send-email": ""}
        )
        assert "Indiquez l’adresse e-mail du destinataire" in response.content.decode()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"{BASE}{reply.pk}/reponse/envoyer/",
                {"send-method": "email", "send-email": "fournisseur@example.org"},
            )
        assert response.status_code == 302
        assert mail.outbox[0].to == ["fournisseur@example.org"]
        self.item.refresh_from_db()
        assert self.item.status == Status.ANSWERED
        assert self.item.notes.get().text == "Vérifier le bon de commande"

    def test_a_reply_to_print_opens_a_printable_letter(self) -> None:
        mail_route(actor=self.clerk, item=self.item, service=self.service("population"))
        self.client.force_login(self.agent)
        template = ReplyTemplate.objects.get(code="accuse-reception")
        self.client.post(f"{self.url}repondre/", {"reply-template": template.pk})
        reply = MailItem.objects.get(in_reply_to=self.item)
        response = self.client.post(
            f"{BASE}{reply.pk}/reponse/envoyer/", {"send-method": "print"}, follow=True
        )
        html = response.content.decode()
        assert "Imprimez cette page" in html
        assert reply.number in html

    def test_linking_a_case_of_another_service_is_refused(self) -> None:
        mail_route(actor=self.clerk, item=self.item, service=self.service("population"))
        self.client.force_login(self.agent)
        html = self.client.post(
            f"{self.url}lier-demande/", {"case-reference": "2026-999999"}
        ).content.decode()
        assert "Aucune demande de vos services ne porte cette référence." in html
        html = self.client.post(
            f"{self.url}lier-citoyen/", {"citizen-citizen": "12345"}
        ).content.decode()
        assert "Ni une adresse e-mail ni un numéro de registre national valide." in html
        response = self.client.post(
            f"{self.url}lier-citoyen/", {"citizen-citizen": self.citizen.email}
        )
        assert response.status_code == 302
        self.item.refresh_from_db()
        assert self.item.citizen == self.citizen

    def test_a_service_in_copy_reads_but_cannot_act(self) -> None:
        mail_route(
            actor=self.clerk,
            item=self.item,
            service=self.service("finances"),
            copies=[self.service("population")],
        )
        self.client.force_login(self.agent)
        assert self.client.get(self.url).status_code == 200
        assert (
            self.client.post(
                f"{self.url}statut/", {"status-status": "closed", "status-lock_version": 0}
            ).status_code
            == 403
        )
        assert self.client.post(f"{self.url}ventiler/", {}).status_code == 403
