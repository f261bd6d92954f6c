"""A letter's sender has a postal address: asked at registration, printed on the reply."""

from __future__ import annotations

from beffroi.mail.models import Contact, MailItem, ReplyTemplate
from beffroi.mail.services import (
    contact_find_or_create,
    letter_context,
    mail_register,
    mail_reply_draft,
    mail_route,
)
from beffroi.mail.tests.helpers import MailTestCase

BASE = "/backoffice/courrier/"


class PostalAddressTests(MailTestCase):
    def register_from_the_screen(self, **extra: str) -> MailItem:
        self.client.force_login(self.clerk)
        data = {
            "subject": "Demande de permis pour une véranda",
            "sender": "Hélène Dupré",
            "channel": "paper",
            "received_on": "2026-01-05",
            "confidentiality": "normal",
            **extra,
        }
        response = self.client.post(f"{BASE}enregistrer/", data)
        assert response.status_code == 302, response.content.decode()
        return MailItem.objects.get(subject=data["subject"])

    def test_registering_asks_for_the_senders_postal_address_and_keeps_it(self) -> None:
        self.client.force_login(self.clerk)
        html = self.client.get(f"{BASE}enregistrer/").content.decode()
        assert "Adresse postale de l’expéditeur" in html
        assert 'name="sender_postcode"' in html
        item = self.register_from_the_screen(
            sender_street="Rue des Bouchers Saint-Jacques 14",
            sender_postcode="7500",
            sender_city="Tournai",
        )
        assert item.sender is not None
        assert (item.sender.street, item.sender.postcode, item.sender.city) == (
            "Rue des Bouchers Saint-Jacques 14",
            "7500",
            "Tournai",
        )
        # The address stays optional.
        other = self.register_from_the_screen(subject="Sans adresse", sender="Paul Lefebvre")
        assert other.sender is not None
        assert other.sender.street == ""

    def test_a_known_sender_without_an_address_learns_the_one_typed(self) -> None:
        known = contact_find_or_create(actor=self.clerk, name="Hélène Dupré")
        item = self.register_from_the_screen(
            sender_street="Quai Notre-Dame 3", sender_postcode="7500", sender_city="Tournai"
        )
        assert item.sender == known
        known.refresh_from_db()
        assert known.street == "Quai Notre-Dame 3"

    def reply(self, sender: Contact) -> MailItem:
        item = mail_register(
            actor=self.clerk, channel="paper", subject="Permis pour une véranda", sender=sender
        )
        item = mail_route(actor=self.clerk, item=item, service=self.service("urbanisme"))
        template = ReplyTemplate.objects.get(code="accuse-reception")
        return mail_reply_draft(actor=self.urbanism_agent, item=item, template=template)

    def test_a_printed_reply_carries_the_address_typed_at_registration(self) -> None:
        item = self.register_from_the_screen(
            sender_street="Rue Royale 12", sender_postcode="7500", sender_city="Tournai"
        )
        assert item.sender is not None
        reply = self.reply(item.sender)
        self.client.force_login(self.urbanism_agent)
        self.client.post(f"{BASE}{reply.pk}/reponse/envoyer/", {"send-method": "print"})
        html = self.client.get(f"{BASE}{reply.pk}/imprimer/").content.decode()
        assert "Hélène Dupré<br>Rue Royale 12<br>7500 Tournai" in html
        context = letter_context(MailItem.objects.get(pk=reply.pk))
        assert context["recipient"].street == "Rue Royale 12"

    def test_the_reply_greets_a_sender_by_name(self) -> None:
        reply = self.reply(contact_find_or_create(actor=self.clerk, name="Hélène Dupré"))
        assert reply.body.startswith("Bonjour Hélène Dupré,\n\n")
        # An organisation is greeted formally.
        organisation = contact_find_or_create(
            actor=self.clerk, name="Bureau Hennebert", kind=Contact.Kind.ORGANISATION
        )
        assert self.reply(organisation).body.startswith("Madame, Monsieur,\n\n")
