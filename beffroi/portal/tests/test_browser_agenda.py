"""The agenda and the business directory in Chromium: a request filed, an
agent's approval in the back-office, the public pages; axe-core on every
page visited."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from beffroi.agenda.models import DirectoryEntry
from beffroi.agenda.tests import icalendar_check
from beffroi.cases.models import Case
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user


class AgendaJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()
        self.people["communication_agent"] = make_user(
            "lea@tournai.example",
            first_name="Léa",
            last_name="Martin",
            services=(("communication", "agent"),),
        )
        self.people["economy_agent"] = make_user(
            "hugo.commerce@tournai.example",
            first_name="Hugo",
            last_name="Desmet",
            services=(("developpement-economique", "agent"),),
        )

    def agent_page(self, persona: str) -> Any:
        context = self.browser.new_context(locale="fr-BE")
        page = self.new_page(context)
        self.visit("/backoffice/connexion/", page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people[persona].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        return page

    def approve(self, case: Case, persona: str) -> None:
        agent = self.agent_page(persona)
        self.visit(f"/backoffice/dossiers/{case.reference}/", agent)
        self.submit(agent.get_by_role("button", name="Publier"), agent)
        assert agent.get_by_text("Publié").first.is_visible()
        agent.context.close()

    def fill_address(self, page: Any, street: str, number: str) -> None:
        page.get_by_label("Rue", exact=True).fill(street)
        page.get_by_label("Numéro", exact=True).fill(number)
        page.get_by_label("Code postal").fill("7500")
        page.get_by_label("Localité").fill("Tournai")

    def test_an_event_filed_by_a_visitor_appears_once_an_agent_approved_it(self) -> None:
        page = self.page
        day = timezone.localdate() + datetime.timedelta(days=12)
        self.visit("/demarches/creer-evenement/")
        self.submit(page.get_by_role("button", name="Commencer sans compte"))
        page.get_by_label("Prénom", exact=True).fill("Jean")
        page.get_by_label("Nom de famille").fill("Visiteur")
        page.get_by_label("Adresse e-mail").fill("jean.visiteur@example.org")
        page.get_by_label("Organisateur affiché dans l'agenda").fill("Chorale du Becquerelle")
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Titre de l'événement").fill("Concert de Noël de la chorale")
        page.get_by_label("Rubrique de l'agenda").select_option("music")
        page.get_by_label("Description").fill("Chants de Noël d'ici et d'ailleurs.")
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Date de l'événement (ou premier jour)").fill(day.isoformat())
        page.get_by_label("Heures").fill("de 19 h à 21 h")
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Nom du lieu").fill("Église Saint-Jacques")
        self.fill_address(page, "Rue du Palais Saint-Jacques", "1")
        page.get_by_role(
            "group", name="Le lieu est-il accessible en chaise roulante ?"
        ).get_by_label("Oui").check()
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Oui, gratuite").check()
        page.get_by_label("L'événement est ouvert au public", exact=False).check()
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        assert page.get_by_role("heading", name="Votre demande est envoyée").is_visible()
        case = Case.objects.get()

        # Not public before the review.
        self.visit("/agenda/")
        assert page.get_by_text("Concert de Noël de la chorale").count() == 0

        self.approve(case, "communication_agent")

        self.visit("/agenda/")
        self.submit(page.get_by_role("link", name="Concert de Noël de la chorale"))
        assert page.get_by_role("heading", name="Concert de Noël de la chorale").is_visible()
        assert page.get_by_text("de 19 h à 21 h").is_visible()
        assert page.get_by_text("Chorale du Becquerelle").is_visible()
        assert page.get_by_text("Visiteur").count() == 0  # the applicant stays private
        assert page.get_by_role("link", name="Ajouter à mon agenda").is_visible()
        # Filters without JavaScript-only widgets: a plain GET form.
        self.visit("/agenda/")
        page.get_by_label("Rubrique").select_option("sport")
        self.submit(page.get_by_role("button", name="Afficher les événements"))
        assert page.get_by_text("Aucun événement ne correspond").is_visible()

        feed = page.request.get(self.url("/agenda.ics"))
        assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
        calendar = icalendar_check.parse(feed.body())
        assert [e.text("SUMMARY") for e in calendar.children] == ["Concert de Noël de la chorale"]

    def test_a_business_page_and_its_change_are_both_reviewed(self) -> None:
        page = self.page
        self.login(self.people["citizen"].email, PASSWORD)
        self.visit("/demarches/page-commerce/")
        self.submit(page.get_by_role("button", name="Commencer"))
        self.submit(page.get_by_role("button", name="Continuer"))  # prefilled from the profile
        page.get_by_label("Nom du commerce ou de l'entreprise").fill("Librairie Le Beffroi")
        page.get_by_label("Numéro d'entreprise (BCE)").fill("0412.345.614")
        page.get_by_label("Rubrique de l'annuaire").select_option("culture_leisure")
        self.fill_address(page, "Rue de l'Yser", "12")
        page.get_by_label("Téléphone public").fill("069 22 33 44")
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Présentez votre commerce en quelques lignes").fill(
            "Romans, bandes dessinées et livres pour enfants."
        )
        page.get_by_label("Heures d'ouverture").fill("Du mardi au samedi : 10 h – 18 h")
        page.get_by_label("J'accepte que ces informations", exact=False).check()
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        creation = Case.objects.get()

        self.visit("/annuaire/")
        assert page.get_by_text("Librairie Le Beffroi").count() == 0
        self.approve(creation, "economy_agent")
        self.visit("/annuaire/?q=librairie")
        self.submit(page.get_by_role("link", name="Librairie Le Beffroi"))
        assert page.get_by_text("Du mardi au samedi : 10 h – 18 h").is_visible()

        # The shopkeeper changes the hours: reviewed again, old hours shown meanwhile.
        self.visit("/demarches/gerer-page-commerce/")
        self.submit(page.get_by_role("button", name="Commencer"))
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Nom du commerce, tel qu'il figure dans l'annuaire").fill(
            "Librairie Le Beffroi"
        )
        page.get_by_label("Numéro d'entreprise (BCE)").fill("0412345614")
        page.get_by_label("Les heures d'ouverture").check()
        self.submit(page.get_by_role("button", name="Continuer"))
        page.get_by_label("Nouvelles heures d'ouverture").fill("Du lundi au samedi : 9 h – 19 h")
        self.submit(page.get_by_role("button", name="Vérifier mes réponses"))
        self.submit(page.get_by_role("button", name="Envoyer ma demande"))
        change = Case.objects.exclude(pk=creation.pk).get()
        entry = DirectoryEntry.objects.get()

        self.visit(f"/annuaire/{entry.pk}/")
        assert page.get_by_text("Du mardi au samedi : 10 h – 18 h").is_visible()
        assert page.get_by_text("Du lundi au samedi").count() == 0

        self.approve(change, "economy_agent")
        self.visit(f"/annuaire/{entry.pk}/")
        assert page.get_by_text("Du lundi au samedi : 9 h – 19 h").is_visible()
        assert page.get_by_text("Du mardi au samedi").count() == 0
