"""Pilot 2 in Chromium: an association's card validated, its event request
reviewed by three services, decided by the College, the permit downloaded by
the organiser and seen by a member but not by an outsider — with axe-core
on every page visited."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from django.utils import timezone
from pdfminer.high_level import extract_text

from beffroi.cases.models import Case
from beffroi.documents.sniff import sample_pdf
from beffroi.organisations.models import Organisation
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user

PDF = sample_pdf("justificatif")


class EventRequestJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()
        self.head = make_user(
            "chef.evenements@tournai.example", first_name="Anne", services=(("evenements", "head"),)
        )
        self.member = make_user("lea@example.org", first_name="Léa", last_name="Roy")

    # -- helpers -------------------------------------------------------------
    def next_page(self, page: Any, button: str = "Continuer") -> None:
        self.submit(page.get_by_role("button", name=button), page)

    def choose(self, page: Any, question: str, answer: str) -> None:
        """Pick an answer, whether the question shows radio buttons or a list."""
        select = page.get_by_role("combobox", name=question)
        if select.count():
            select.select_option(label=answer)
        else:
            page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()

    def address(self, page: Any, street: str = "Rue Saint-Piat") -> None:
        page.get_by_role("textbox", name="Rue", exact=True).fill(street)
        page.get_by_role("textbox", name="Numéro", exact=True).fill("10")
        page.get_by_role("textbox", name="Code postal").fill("7500")
        page.get_by_role("textbox", name="Localité").fill("Tournai")

    def agent(self, email: str) -> Any:
        page = self.browser.new_context(locale="fr-BE").new_page()
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def citizen(self, email: str) -> Any:
        page = self.browser.new_context(locale="fr-BE").new_page()
        self.login(email, PASSWORD, page)
        return page

    def take_transition(self, page: Any, reference: str, button: str, comment: str = "") -> None:
        self.visit(f"/backoffice/dossiers/{reference}/", page)
        if comment:
            page.get_by_label("Commentaire pour le demandeur").fill(comment)
        self.submit(page.get_by_role("button", name=button), page)

    # -- the journey --------------------------------------------------------
    def test_an_event_request_from_association_card_to_permit(self) -> None:
        marie = self.page
        self.login(self.people["citizen"].email, PASSWORD)

        # 1. The association's card, filed by its president.
        self.visit("/demarches/carte-identite-association/")
        self.submit(marie.get_by_role("button", name="Commencer"))
        self.next_page(marie)  # her contact details come from her profile
        marie.get_by_label("Nom de l'association").fill("Comité de quartier Saint-Piat")
        marie.get_by_label("Forme juridique").select_option("de_fait")
        self.address(marie)
        marie.get_by_label("Adresse e-mail de contact de l'association").fill(
            "contact@saint-piat.example"
        )
        marie.get_by_label("Domaine d'activité principal").select_option("neighbourhood")
        marie.get_by_label("Les activités de l'association").fill(
            "Fête de quartier, brocante, repas des voisins."
        )
        self.next_page(marie)
        marie.get_by_label("Prénom").fill("Marie")
        marie.get_by_label("Nom de famille").fill("Dubois")
        marie.get_by_label("Fonction dans l'association").fill("présidente")
        marie.get_by_label("Adresse e-mail").fill(self.people["citizen"].email)
        self.choose(marie, "Voulez-vous désigner un second représentant ?", "Non")
        self.next_page(marie)
        marie.get_by_label(
            "Je certifie que les informations données sont exactes et complètes."
        ).check()
        self.next_page(marie, "Vérifier mes réponses")
        self.submit(marie.get_by_role("button", name="Envoyer ma demande"))
        card = Case.objects.get(procedure__slug="carte-identite-association")

        # 2. The Events service validates the card.
        nadia = self.agent(self.people["events_agent"].email)
        self.take_transition(nadia, card.reference, "Prendre en charge")
        self.take_transition(nadia, card.reference, "Accepter la demande")
        organisation = Organisation.objects.get()

        # 3. The president names a member in "Mes organisations".
        self.visit("/mon-compte/organisations/")
        self.submit(marie.get_by_role("link", name="Comité de quartier Saint-Piat"))
        marie.get_by_label("Adresse e-mail").fill(self.member.email)
        marie.get_by_label("Prénom").fill("Léa")
        marie.get_by_label("Nom", exact=True).fill("Roy")
        marie.get_by_label("Membre : voit les demandes de l’organisation").check()
        self.submit(marie.get_by_role("button", name="Ajouter"))
        assert marie.get_by_text("La personne a été ajoutée à l’organisation.").is_visible()

        # 4. She files the event request in the association's name.
        day = timezone.localdate() + datetime.timedelta(days=60)
        self.visit("/demarches/demande-de-manifestation/")
        marie.get_by_label("Au nom de Comité de quartier Saint-Piat").check()
        self.submit(marie.get_by_role("button", name="Commencer"))
        marie.get_by_label("Prénom").fill("Marie")
        marie.get_by_label("Nom de famille").fill("Dubois")
        marie.get_by_label("Adresse e-mail").fill(self.people["citizen"].email)
        # Filed in the association's name: whether it organises is not asked again.
        assert not marie.get_by_text("Vous organisez cet événement…").count()
        self.next_page(marie)
        # The organiser's page comes from the association's validated card.
        assert (
            marie.get_by_label("Nom de l'organisation").input_value()
            == "Comité de quartier Saint-Piat"
        )
        assert marie.get_by_label("Forme juridique").input_value() == "de_fait"
        self.next_page(marie)
        marie.get_by_label("Prénom").fill("Pierre")
        marie.get_by_label("Nom de famille").fill("Vandamme")
        marie.get_by_label("Téléphone portable").fill("0470 12 34 56")
        self.next_page(marie)
        marie.get_by_label("Nom de l'événement").fill("Fête du quartier Saint-Piat")
        self.choose(marie, "De quel type d'événement s'agit-il ?", "Fête de quartier ou de rue")
        marie.get_by_label("Décrivez l'événement en quelques lignes").fill(
            "Repas de quartier, jeux pour enfants, concert."
        )
        for label in (
            "Premier jour de l'événement",
            "Dernier jour de l'événement",
            "Début du montage (jour)",
            "Fin du démontage (jour)",
        ):
            marie.get_by_label(label).fill(day.isoformat())
        marie.get_by_label("Heures d'ouverture au public").fill("de 12 h à 23 h")
        marie.get_by_label("Début du montage (heure)").fill("8 h")
        marie.get_by_label("Fin du démontage (heure)").fill("23 h 59")
        self.next_page(marie)
        self.choose(
            marie, "Où l'événement a-t-il lieu ?", "Sur la voie publique (rue, trottoir, parcours)"
        )
        self.address(marie)
        marie.get_by_label(
            "Nombre de personnes attendues en même temps, au plus fort de l'événement"
        ).fill("300")
        self.choose(marie, "Installerez-vous des chapiteaux, tentes, podiums ou gradins ?", "Non")
        marie.get_by_label("Plan d'implantation").set_input_files(
            {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        self.next_page(marie)
        self.choose(marie, "Y aura-t-il de la musique ?", "Pas de musique")
        self.choose(
            marie,
            "Des boissons alcoolisées seront-elles vendues ou servies ?",
            "Oui, uniquement de la bière, du vin ou du cidre",
        )
        self.choose(marie, "Y aura-t-il des stands de nourriture ?", "Non")
        self.next_page(marie)
        self.choose(marie, "Faut-il fermer des rues à la circulation ?", "Oui")
        marie.get_by_label("Rues à fermer").fill(
            "Rue Saint-Piat, entre la place et la rue des Carmes, de 8 h à minuit."
        )
        self.choose(marie, "Faut-il interdire le stationnement à certains endroits ?", "Non")
        self.next_page(marie)
        self.choose(
            marie,
            "Quel dispositif de premiers secours prévoyez-vous ?",
            "Des secouristes brevetés parmi les organisateurs",
        )
        marie.get_by_label("Nombre de stewards ou de bénévoles chargés de la sécurité").fill("6")
        marie.get_by_label("Votre plan de sécurité").set_input_files(
            {"name": "securite.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        marie.get_by_label(
            "Attestation d'assurance en responsabilité civile de l'organisateur"
        ).set_input_files({"name": "assurance.pdf", "mimeType": "application/pdf", "buffer": PDF})
        self.choose(marie, "Voulez-vous annoncer l'événement dans l'agenda de la Ville ?", "Non")
        marie.get_by_label(
            "Je certifie que les informations données sont exactes et complètes."
        ).check()
        self.next_page(marie, "Vérifier mes réponses")
        self.submit(marie.get_by_role("button", name="Envoyer ma demande"))
        request = Case.objects.get(procedure__slug="demande-de-manifestation")
        assert request.organisation == organisation

        # 5. Events asks the opinions: police, fire and rescue, roads (a street closes).
        self.take_transition(nadia, request.reference, "Prendre en charge")
        self.take_transition(
            nadia, request.reference, "Demander les avis (police, secours, services)"
        )
        assert set(request.opinions.values_list("service__code", flat=True)) == {
            "police",
            "zone-de-secours",
            "travaux",
        }

        # 6. Each service gives its opinion, the police with conditions.
        for persona, verdict, conditions in (
            (
                "police_agent",
                "Favorable sous conditions",
                "Barrières Nadar aux deux extrémités de la rue.",
            ),
            ("fire_agent", "Favorable", ""),
            ("roads_agent", "Favorable", ""),
        ):
            advisor = self.agent(self.people[persona].email)
            self.visit("/backoffice/avis/", advisor)
            self.submit(advisor.get_by_role("link", name=re.compile(request.reference)), advisor)
            advisor.get_by_label(verdict, exact=True).check()
            if conditions:
                advisor.get_by_role("textbox", name="Conditions").fill(conditions)
            self.submit(advisor.get_by_role("button", name="Transmettre l’avis"), advisor)
            assert advisor.get_by_text("Votre avis est transmis").is_visible()
            advisor.context.close()

        # The Events service sees them side by side and proposes to the College.
        self.visit(f"/backoffice/dossiers/{request.reference}/", nadia)
        assert nadia.get_by_text("Barrières Nadar aux deux extrémités de la rue.").is_visible()
        self.take_transition(nadia, request.reference, "Proposer au Collège communal")

        # 7. The secretariat puts it on a meeting's agenda; the College decides.
        claire = self.agent(self.people["admin"].email)
        self.visit("/backoffice/college/", claire)
        claire.get_by_label("Date de la séance").fill(timezone.localdate().isoformat())
        self.submit(claire.get_by_role("button", name="Créer la séance"), claire)
        claire.get_by_label(re.compile(request.reference)).check()
        self.submit(claire.get_by_role("button", name="Ajouter à l’ordre du jour"), claire)
        claire.get_by_label("Autorisé sous conditions").check()
        claire.get_by_label("Conditions ou motifs").fill("Fin des activités à 23 h.")
        self.submit(claire.get_by_role("button", name="Enregistrer la décision"), claire)
        assert claire.get_by_text("Décision enregistrée").is_visible()

        # 8. The head of the Events service signs: the permit is issued.
        head = self.agent(self.head.email)
        self.take_transition(head, request.reference, "Signer l'autorisation")

        # 9. The organiser downloads the permit, with every condition in it.
        self.visit(request.get_absolute_url())
        with marie.expect_download() as download:
            marie.get_by_role("link", name=re.compile("Autorisation de manifestation")).click()
        text = " ".join(extract_text(io.BytesIO(download.value.path().read_bytes())).split())
        assert "Barrières Nadar aux deux extrémités de la rue." in text
        assert "Fin des activités à 23 h." in text

        # 10. A member of the association sees it; an outsider does not.
        lea = self.citizen(self.member.email)
        self.visit("/mon-compte/demarches/", lea)
        self.submit(lea.get_by_role("link", name="Demande de manifestation"), lea)
        assert lea.get_by_role(
            "link", name=re.compile("Autorisation de manifestation")
        ).is_visible()
        outsider = self.citizen(self.people["other_citizen"].email)
        response = self.visit(request.get_absolute_url(), outsider)
        assert response.status == 404
        for page in (nadia, claire, head, lea, outsider):
            page.context.close()
