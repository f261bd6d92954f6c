"""The clerk's routing screen: a suggestion read from the letter, and back to the list after."""

from __future__ import annotations

from beffroi.mail.models import Channel, MailItem, Status
from beffroi.mail.services import mail_register
from beffroi.mail.tests.helpers import MailTestCase

BASE = "/backoffice/courrier/"
NOISE_LETTER = (
    "Madame, Monsieur,\n\nDepuis trois semaines, le bruit de la discothèque voisine nous "
    "empêche de dormir : musique jusqu'à 4 heures, nuisances sonores chaque week-end. "
    "Nous portons plainte pour ces nuisances.\n\nVeuillez agréer nos salutations."
)


class SuggestionScreenTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.clerk)

    def test_a_letter_without_a_document_type_gets_a_service_and_a_type_from_its_text(self) -> None:
        # As OCR leaves it: no subject typed, no type chosen, only the text.
        item = mail_register(actor=self.clerk, channel=Channel.SCAN, text=NOISE_LETTER)
        html = self.client.get(f"{BASE}{item.pk}/").content.decode()
        assert "Ventilation suggérée" in html
        assert "Accepter : ventiler vers Environnement" in html
        assert "type : Signalement ou plainte de nuisance" in html

    def test_the_text_outweighs_the_document_types_default_service(self) -> None:
        item = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            document_type=self.document_type("courrier-citoyen"),  # default: Secrétariat
            text="Je vous adresse ma demande de permis d'urbanisme pour la construction "
            "d'une véranda, avec les plans de l'architecte.",
        )
        html = self.client.get(f"{BASE}{item.pk}/").content.decode()
        assert "Accepter : ventiler vers Urbanisme" in html

    def test_after_routing_the_clerk_returns_to_the_list_they_came_from(self) -> None:
        first = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Facture 12")
        mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Facture 13")
        listing = f"{BASE}registre/entrant/?status=to_route&q=facture"
        html = self.client.get(listing).content.decode()
        assert (
            f'href="{BASE}{first.pk}/?next=/backoffice/courrier/registre/entrant/%3Fstatus' in html
        )
        page = self.client.get(f"{BASE}{first.pk}/", {"next": listing}).content.decode()
        assert 'name="next" value="/backoffice/courrier/registre/entrant/?status=to_route' in page
        response = self.client.post(
            f"{BASE}{first.pk}/ventiler/",
            {
                "route-service": self.service("finances").pk,
                "route-lock_version": first.lock_version,
                "next": listing,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == listing
        first.refresh_from_db()
        assert first.status == Status.ROUTED

    def test_accepting_the_suggestion_returns_to_the_list_too(self) -> None:
        item = mail_register(actor=self.clerk, channel=Channel.SCAN, text=NOISE_LETTER)
        listing = f"{BASE}?service={self.service('environnement').pk}"
        response = self.client.post(
            f"{BASE}{item.pk}/ventiler/suggestion/",
            {"lock_version": item.lock_version, "next": listing},
        )
        assert response["Location"] == listing

    def test_a_next_address_outside_the_site_is_ignored(self) -> None:
        item = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Facture 14")
        mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Plus ancienne à ventiler")
        response = self.client.post(
            f"{BASE}{item.pk}/ventiler/",
            {
                "route-service": self.service("finances").pk,
                "route-lock_version": item.lock_version,
                "next": "https://evil.example/phish",
            },
        )
        assert response["Location"] == f"{BASE}{item.pk}/"

    def test_routing_the_letter_just_registered_returns_to_the_registration_form(self) -> None:
        response = self.client.post(
            f"{BASE}enregistrer/",
            {
                "subject": "Facture 15",
                "channel": "paper",
                "received_on": "2026-01-05",
                "confidentiality": "normal",
            },
            follow=True,
        )
        html = response.content.decode()
        item = MailItem.objects.get(subject="Facture 15")
        link = f"{BASE}{item.pk}/?next=/backoffice/courrier/enregistrer/"
        assert f'href="{link}"' in html
        page = self.client.get(link).content.decode()
        assert page.count('name="next" value="/backoffice/courrier/enregistrer/"') >= 2
        response = self.client.post(
            f"{BASE}{item.pk}/ventiler/",
            {
                "route-service": self.service("finances").pk,
                "route-lock_version": item.lock_version,
                "next": "/backoffice/courrier/enregistrer/",
            },
        )
        assert response["Location"] == "/backoffice/courrier/enregistrer/"
