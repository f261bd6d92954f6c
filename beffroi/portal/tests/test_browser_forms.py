"""What citizens meet in forms, in Chromium with axe-core on every page: a
question says when it is required (and follows the answers with
JavaScript), a return before the departure is refused next to its field,
and a text pasted beyond its limit is kept whole and refused with its count
— with and without JavaScript."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from beffroi.cases.models import Draft
from beffroi.cases.services import draft_start
from beffroi.catalogue.models import Procedure
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world

EARLIER = {
    "applicant_first_name": "Marie",
    "applicant_last_name": "Dubois",
    "applicant_email": "marie@example.org",
    "organiser_type": "person",
    "onsite_first_name": "Pierre",
    "onsite_last_name": "Vandamme",
    "onsite_phone": "+32478112233",
}


class FormsTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()
        self.login(self.people["citizen"].email, PASSWORD)

    def draft(self, slug: str, answers: dict[str, Any]) -> Draft:
        """A draft of ``slug`` with the earlier pages answered."""
        draft = draft_start(
            actor=self.people["citizen"], procedure=Procedure.objects.get(slug=slug)
        )
        draft.answers = answers
        draft.save(update_fields=["answers"])
        return draft

    def open_page(self, draft: Draft, page_id: str) -> None:
        self.visit(reverse("portal:draft_page", args=[draft.pk, page_id]))

    def optional_mark(self, field_id: str) -> Any:
        return self.page.locator(f"#question-{field_id} label [data-optional-mark]")

    def choose(self, question: str, answer: str) -> None:
        self.page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


class RequirementLiveTests(FormsTestCase):
    def test_the_layout_plan_says_it_is_required_as_the_answers_make_it(self) -> None:
        draft = self.draft("demande-de-manifestation", EARLIER)
        self.open_page(draft, "lieu")
        page = self.page
        hint = page.locator("#question-layout_plan .hint").first
        assert "Obligatoire si vous avez répondu « Sur la voie publique" in hint.inner_text()
        mark = self.optional_mark("layout_plan")
        assert mark.is_visible()  # nothing answered yet: not required
        self.choose(
            "Où l'événement a-t-il lieu ?", "Sur la voie publique (rue, trottoir, parcours)"
        )
        assert mark.is_hidden()
        self.choose("Où l'événement a-t-il lieu ?", "Dans une salle ou un bâtiment communal")
        assert mark.is_visible()
        self.choose("Installerez-vous des chapiteaux, tentes, podiums ou gradins ?", "Oui")
        assert mark.is_hidden()
        self.axe()

    def test_a_file_required_by_earlier_answers_is_labelled_required(self) -> None:
        answers = {**EARLIER, "place_type": "municipal_building", "attendance": "1500"}
        draft = self.draft("demande-de-manifestation", {**answers, "structures": False})
        self.open_page(draft, "securite")
        safety = self.page.locator("label[for='id_safety_plan']")
        assert "(facultatif)" not in safety.inner_text()
        remarks = self.page.locator("label[for='id_remarks']")
        assert "(facultatif)" in remarks.inner_text()


class ChecksAndLimitsTests(FormsTestCase):
    def test_a_return_before_the_departure_is_refused_next_to_the_return_date(self) -> None:
        draft = self.draft("autorisation-parentale-quitter-territoire", {})
        self.open_page(draft, "voyage")
        page = self.page
        day = timezone.localdate() + datetime.timedelta(days=30)
        page.get_by_label("Pays de destination").fill("Espagne")
        page.get_by_label("Date de départ").fill(day.isoformat())
        page.get_by_label("Date de retour").fill((day - datetime.timedelta(days=7)).isoformat())
        self.choose(
            "Avec qui l'enfant voyage-t-il ?",
            "Avec un groupe organisé (école, mouvement de jeunesse, club)",
        )
        page.get_by_label("Nom de l'école ou de l'organisation").fill("Athénée royal Jules Bara")
        self.submit(page.get_by_role("button", name="Continuer"))
        error = page.locator("#id_return_date_error")
        assert "La date de retour ne peut pas être avant la date de départ." in error.inner_text()
        assert page.get_by_label("Pays de destination").input_value() == "Espagne"

    def test_a_text_pasted_beyond_its_limit_is_kept_whole_and_refused(self) -> None:
        draft = self.draft("demande-de-manifestation", EARLIER)
        self.open_page(draft, "evenement")
        page = self.page
        description = page.get_by_label("Décrivez l'événement en quelques lignes")
        text = "Repas de quartier, jeux pour les enfants et concert en soirée. " * 40
        description.fill(text)
        assert description.input_value() == text  # the browser cut nothing
        assert "2 000 caractères au maximum." in page.locator(
            "#question-description .hint"
        ).inner_text().replace("\u202f", " ")
        self.submit(page.get_by_role("button", name="Continuer"))
        message = page.locator("#id_description_error").inner_text().replace("\u202f", " ")
        assert (
            f"2 000 caractères au maximum (vous en avez saisi {len(text.strip()):,})".replace(
                ",", " "
            )
            in message
        )
        assert page.get_by_label(
            "Décrivez l'événement en quelques lignes"
        ).input_value().strip() == (text.strip())


class WithoutJavaScriptTests(FormsTestCase):
    javascript_enabled = False

    def test_the_page_says_when_the_layout_plan_is_required_and_then_requires_it(self) -> None:
        draft = self.draft("demande-de-manifestation", EARLIER)
        self.open_page(draft, "lieu")
        page = self.page
        assert (
            "Obligatoire si vous avez répondu"
            in page.locator("#question-layout_plan .hint").first.inner_text()
        )
        self.choose(
            "Où l'événement a-t-il lieu ?", "Sur la voie publique (rue, trottoir, parcours)"
        )
        page.get_by_role("textbox", name="Rue", exact=True).fill("Place Saint-Piat")
        page.get_by_role("textbox", name="Numéro", exact=True).fill("1")
        page.get_by_role("textbox", name="Code postal").fill("7500")
        page.get_by_role("textbox", name="Localité").fill("Tournai")
        page.get_by_label(
            "Nombre de personnes attendues en même temps, au plus fort de l'événement"
        ).fill("300")
        self.choose("Installerez-vous des chapiteaux, tentes, podiums ou gradins ?", "Non")
        self.submit(page.get_by_role("button", name="Continuer"))
        assert "Joignez un fichier." in page.locator("#id_layout_plan_error").inner_text()
        # Shown again as the answers made it: required, no « (facultatif) ».
        assert "(facultatif)" not in page.locator("label[for='id_layout_plan']").inner_text()
