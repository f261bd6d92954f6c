"""Shared procedure templates: the cooperative publishes a procedure once, each
municipality adopts it with its own texts, fee and service, is told of each
new version with what it changes, and follows it when it chooses; running
cases keep their version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.urls import reverse

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.catalogue.loader import SHIPPED_DIR, load_yaml
from beffroi.catalogue.models import Category, Procedure, ProcedureTemplate, TemplateAdoption
from beffroi.catalogue.selectors import template_adoptions_outdated
from beffroi.catalogue.services import (
    TemplateOverrides,
    template_adopt,
    template_adoption_update,
    template_publish,
)
from beffroi.cooperative.services import municipality_create
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.filing import file_sample_case
from beffroi.municipality.models import Municipality, MunicipalityHost, Service
from beffroi.notifications.models import OutgoingEmail
from beffroi.testing.personas import PersonaTestCase

ANTOING = "antoing.example-coop.be"
BIRTH_FILE = SHIPPED_DIR / "procedures" / "copie-acte-de-naissance.yaml"
# Tournai's catalogue already has its own « copie-acte-de-naissance ».
TOURNAI_SLUG = "copie-acte-naissance-cooperative"
# The list page, whatever the number of templates: the session, the user, the
# agent's seats, the municipality's revisions, the adoptions and the templates.
LIST_PAGE_QUERIES = 6


def birth_file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(BIRTH_FILE)
    data.update(changes)
    return data


def publish(data: dict[str, Any], municipality: Municipality) -> Any:
    with municipality_scope(municipality.pk):
        return template_publish(actor=None, data=data, source=f"{data['slug']}.yaml")


@override_settings(ALLOWED_HOSTS=["testserver", ANTOING])
class ProcedureTemplateTests(PersonaTestCase):
    tournai: Municipality
    antoing: Municipality
    antoing_admin: User
    template: ProcedureTemplate

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tournai = Municipality.objects.get()
        MunicipalityHost.objects.create(municipality=cls.tournai, host="testserver")
        cls.antoing = municipality_create(
            actor=None,
            slug="antoing",
            name="Administration communale d'Antoing",
            hosts=[ANTOING],
            admin_email="dg@antoing.example",
            admin_first_name="Luc",
            admin_last_name="Deprez",
        )
        cls.antoing_admin = User.objects.get(email="dg@antoing.example")
        with municipality_scope(cls.antoing.pk):
            Category.objects.create(slug="etat-civil", name="État civil")
        cls.template = publish(birth_file(), cls.tournai).template

    # --- helpers -----------------------------------------------------------------

    def login(self, user: User, municipality: Municipality) -> None:
        with municipality_scope(municipality.pk):
            self.client.force_login(user)

    def adopt_in_tournai(self, **overrides: Any) -> TemplateAdoption:
        with municipality_scope(self.tournai.pk):
            return template_adopt(
                actor=self.admin,
                template=self.template,
                category=Category.objects.get(slug="actes-et-certificats"),
                service=Service.objects.get(code="etat-civil"),
                slug=TOURNAI_SLUG,
                overrides=TemplateOverrides(**overrides),
            )

    def adopt_in_antoing(self, **overrides: Any) -> TemplateAdoption:
        with municipality_scope(self.antoing.pk):
            return template_adopt(
                actor=self.antoing_admin,
                template=self.template,
                category=Category.objects.get(slug="etat-civil"),
                service=Service.objects.get(code="administration"),
                slug="copie-acte-de-naissance",
                overrides=TemplateOverrides(**overrides),
            )

    def adopt_form(self, category: Category, service: Service, **values: str) -> dict[str, Any]:
        return {
            "category": category.pk,
            "service": service.pk,
            "slug": "copie-acte-de-naissance",
            "title": "Copie d'acte de naissance",
            "summary": "Demandez une copie d'un acte de naissance.",
            "audience": "La personne concernée et ses proches.",
            "fee_amount": "",
            "fee_label": "Gratuit",
            "publish": "on",
            **values,
        }

    def new_version(self) -> Any:
        data = birth_file(
            summary="Demandez une copie intégrale ou un extrait d'acte de naissance, en PDF.",
            processing_days=3,
        )
        data["steps"] = [*data["steps"], "Vous êtes prévenu par e-mail à chaque étape."]
        data["form"]["pages"][1]["title"] = "L'acte de naissance recherché"
        return publish(data, self.tournai)

    # --- adopting ------------------------------------------------------------------

    def test_two_municipalities_adopt_the_same_template_with_different_fees(self) -> None:
        self.login(self.admin, self.tournai)
        with municipality_scope(self.tournai.pk):
            form = self.adopt_form(
                Category.objects.get(slug="actes-et-certificats"),
                Service.objects.get(code="etat-civil"),
                slug=TOURNAI_SLUG,
                fee_amount="5,00",
                fee_label="5 €",
            )
        url = reverse("backoffice:template_adopt", args=[self.template.slug])
        self.assertContains(self.client.get(url), "Adopter le modèle « Copie d")
        response = self.client.post(url, form)
        assert response.status_code == 302, response.content.decode()

        self.login(self.antoing_admin, self.antoing)
        with municipality_scope(self.antoing.pk):
            form = self.adopt_form(
                Category.objects.get(slug="etat-civil"),
                Service.objects.get(code="administration"),
                title="Extrait ou copie d'acte de naissance",
                fee_amount="3,50",
                fee_label="3,50 €",
            )
        response = self.client.post(url, form, HTTP_HOST=ANTOING)
        assert response.status_code == 302, response.content.decode()

        with municipality_scope(self.tournai.pk):
            tournai = Procedure.objects.select_related("current_version", "service").get(
                slug=TOURNAI_SLUG
            )
            assert tournai.fee_amount == Decimal("5.00")
            assert tournai.service.code == "etat-civil"
            assert tournai.title == "Copie d'acte de naissance"
            assert tournai.template_adoption.template_version.number == 1
            tournai_definition = tournai.current_version.definition  # type: ignore[union-attr]
        with municipality_scope(self.antoing.pk):
            antoing = Procedure.objects.select_related("current_version", "service").get(
                slug="copie-acte-de-naissance"
            )
            assert antoing.fee_amount == Decimal("3.50")
            assert antoing.fee_label == "3,50 €"
            assert antoing.service.code == "administration"
            assert antoing.title == "Extrait ou copie d'acte de naissance"
            adoption = antoing.template_adoption
            # Only what differs from the template is the municipality's own.
            assert adoption.title == "Extrait ou copie d'acte de naissance"
            assert adoption.fee_amount == Decimal("3.50")
            assert AuditEvent.objects.filter(action="procedure_template.adopted").count() == 1
            assert antoing.current_version.definition == tournai_definition  # type: ignore[union-attr]
        assert tournai.municipality_id != antoing.municipality_id

    def test_the_adopt_form_says_what_is_wrong_in_french_and_keeps_what_was_typed(self) -> None:
        self.login(self.admin, self.tournai)
        with municipality_scope(self.tournai.pk):
            form = self.adopt_form(
                Category.objects.get(slug="actes-et-certificats"),
                Service.objects.get(code="etat-civil"),
                title="Copie d'acte, à la tournaisienne",
                fee_amount="cinq euros",
            )
        url = reverse("backoffice:template_adopt", args=[self.template.slug])
        response = self.client.post(url, form)
        self.assertContains(response, "Indiquez un montant en euros", status_code=400)
        self.assertContains(response, "Copie d&#x27;acte, à la tournaisienne", status_code=400)
        # The address is Tournai's own procedure's: said once the amount is right.
        response = self.client.post(url, {**form, "fee_amount": "5"})
        self.assertContains(response, "est déjà celle d&#x27;une démarche", status_code=400)
        self.assertContains(response, "Copie d&#x27;acte, à la tournaisienne", status_code=400)
        response = self.client.post(url, {**form, "fee_amount": "5", "summary": ""})
        self.assertContains(response, "Ce texte est obligatoire", status_code=400)
        with municipality_scope(self.tournai.pk):
            assert not TemplateAdoption.objects.exists()

    def test_a_fee_paid_at_filing_is_charged_at_each_municipality_s_amount(self) -> None:
        pin = publish(load_yaml(SHIPPED_DIR / "procedures" / "nouveau-code-pin.yaml"), self.tournai)
        with municipality_scope(self.antoing.pk):
            adoption = template_adopt(
                actor=self.antoing_admin,
                template=pin.template,
                category=Category.objects.get(slug="etat-civil"),
                service=Service.objects.get(code="administration"),
                slug="nouveau-code-pin",
                overrides=TemplateOverrides(fee_amount=Decimal("3.00"), fee_label="3 €"),
            )
            fee = adoption.procedure.current_version.definition["fee"]  # type: ignore[union-attr]
        assert fee == {
            "amount": "3.00",
            "label": "3 €",
            "pay": "filing",
            "paid_transition": "payment_received",
        }
        with municipality_scope(self.tournai.pk):
            adoption = template_adopt(
                actor=self.admin,
                template=pin.template,
                category=Category.objects.get(slug="vie-citoyenne"),
                service=Service.objects.get(code="population"),
                slug="nouveau-code-pin-cooperative",
                overrides=TemplateOverrides(),
            )
            fee = adoption.procedure.current_version.definition["fee"]  # type: ignore[union-attr]
        assert fee["amount"] == "2.00"

    def test_a_template_routing_to_a_service_the_municipality_lacks_is_refused_in_french(
        self,
    ) -> None:
        data = load_yaml(SHIPPED_DIR / "procedures" / "occupation-espace-public.yaml")
        template = publish(data, self.tournai).template
        self.login(self.antoing_admin, self.antoing)
        with municipality_scope(self.antoing.pk):
            form = self.adopt_form(
                Category.objects.get(slug="etat-civil"),
                Service.objects.get(code="administration"),
                slug="occupation-espace-public",
                title=data["title"],
                summary=data["summary"],
                audience=data["audience"],
                fee_label=data["fee"]["label"],
            )
        url = reverse("backoffice:template_adopt", args=[template.slug])
        response = self.client.post(url, form, HTTP_HOST=ANTOING)
        self.assertContains(response, "ne convient pas encore à la commune", status_code=400)
        self.assertContains(response, "service inconnu", status_code=400)
        self.assertContains(response, 'value="occupation-espace-public"', status_code=400)
        with municipality_scope(self.antoing.pk):
            assert not Procedure.objects.exists()

    def test_a_municipality_adapts_its_texts_and_fee_later_and_keeps_them_on_update(
        self,
    ) -> None:
        self.adopt_in_antoing(title="Extrait d'acte de naissance")
        self.login(self.antoing_admin, self.antoing)
        url = reverse("backoffice:template_adapt", args=[self.template.slug])
        response = self.client.get(url, HTTP_HOST=ANTOING)
        self.assertContains(response, 'value="Extrait d&#x27;acte de naissance"')
        with municipality_scope(self.antoing.pk):
            form = self.adopt_form(
                Category.objects.get(slug="etat-civil"),
                Service.objects.get(code="administration"),
                # The template's own title: it follows the template again.
                title="Copie d'acte de naissance",
                fee_amount="4,00",
                fee_label="4 €",
            )
        response = self.client.post(url, {**form, "fee_amount": "quatre"}, HTTP_HOST=ANTOING)
        self.assertContains(response, "Indiquez un montant en euros", status_code=400)
        response = self.client.post(url, form, HTTP_HOST=ANTOING)
        assert response.status_code == 302, response.content.decode()
        with municipality_scope(self.antoing.pk):
            adoption = TemplateAdoption.objects.select_related("procedure").get()
            assert adoption.title == ""
            assert adoption.fee_amount == Decimal("4.00")
            assert adoption.procedure.title == "Copie d'acte de naissance"
            assert adoption.procedure.fee_label == "4 €"
            assert AuditEvent.objects.filter(action="procedure_template.adoption_adapted").exists()
        self.new_version()
        with municipality_scope(self.antoing.pk):
            template_adoption_update(actor=self.antoing_admin, adoption=adoption)
            procedure = Procedure.objects.get(slug="copie-acte-de-naissance")
        assert procedure.fee_amount == Decimal("4.00")
        # Its own summary stays; the title it gave back and the delay follow the template.
        assert procedure.summary == "Demandez une copie d'un acte de naissance."
        assert procedure.title == "Copie d'acte de naissance"
        assert procedure.processing_days == 3

    # --- a new version -------------------------------------------------------------

    def test_a_new_version_tells_each_adopting_municipality_s_administrators(self) -> None:
        self.adopt_in_tournai(fee_amount=Decimal("5.00"), fee_label="5 €")
        self.adopt_in_antoing(title="Extrait d'acte de naissance")
        with self.captureOnCommitCallbacks(execute=True):
            published = self.new_version()
        assert published.is_new_version
        assert published.version.number == 2
        assert published.municipalities_told == 2
        with municipality_scope(self.tournai.pk):
            emails = list(
                OutgoingEmail.objects.filter(subject__startswith="Nouvelle version").values_list(
                    "to", "subject", "body_text"
                )
            )
            told = AuditEvent.objects.get(action="procedure_template.new_version_available")
        assert [to for to, _s, _b in emails] == [self.admin.email]
        assert "version 2" in emails[0][1]
        assert (
            "/backoffice/commune/modeles/copie-acte-de-naissance/nouvelle-version/"
            in (emails[0][2])
        )
        assert told.data["adopted_version"] == 1
        with municipality_scope(self.antoing.pk):
            antoing_emails = list(
                OutgoingEmail.objects.filter(subject__startswith="Nouvelle version").values_list(
                    "to", flat=True
                )
            )
            assert [adoption.pk for adoption in template_adoptions_outdated()] == [
                TemplateAdoption.objects.get().pk
            ]
        assert antoing_emails == [self.antoing_admin.email]

    def test_a_file_that_did_not_change_publishes_nothing_and_tells_nobody(self) -> None:
        self.adopt_in_tournai()
        with self.captureOnCommitCallbacks(execute=True):
            published = publish(birth_file(), self.tournai)
        assert not published.is_new_version
        assert published.version.number == 1
        with municipality_scope(self.tournai.pk):
            assert not OutgoingEmail.objects.filter(subject__startswith="Nouvelle version").exists()

    def test_the_list_shows_a_new_version_and_its_diff(self) -> None:
        self.adopt_in_tournai()
        self.new_version()
        self.login(self.admin, self.tournai)
        response = self.client.get(reverse("backoffice:home"))
        self.assertContains(response, "Nouvelle version disponible pour 1 modèle de la coopérative")
        response = self.client.get(reverse("backoffice:template_list"))
        self.assertContains(response, "Nouvelle version disponible")
        self.assertContains(response, "version 1")
        response = self.client.get(reverse("backoffice:template_update", args=[self.template.slug]))
        self.assertContains(response, "suit la version 1 du modèle")
        self.assertContains(response, "<li>En bref</li>", html=False)
        self.assertContains(response, "<li>Délai habituel</li>", html=False)
        self.assertContains(response, "+- Vous êtes prévenu par e-mail à chaque étape.")
        self.assertContains(response, "<li>Formulaire</li>", html=False)
        self.assertContains(response, "+    title: L&#x27;acte de naissance recherché")
        self.assertContains(response, "-processing_days: 5")
        self.assertContains(response, "Passer à la version 2")

    def test_following_a_new_version_keeps_the_municipality_s_changes_and_running_cases(
        self,
    ) -> None:
        self.adopt_in_tournai(
            title="Copie d'acte de naissance (Tournai)",
            fee_amount=Decimal("5.00"),
            fee_label="5 €",
        )
        with municipality_scope(self.tournai.pk):
            procedure = Procedure.objects.get(slug=TOURNAI_SLUG)
            running = file_sample_case(procedure=procedure, applicant=self.citizen)
            first_version = running.version_id
        self.new_version()
        self.login(self.admin, self.tournai)
        response = self.client.post(
            reverse("backoffice:template_update_apply", args=[self.template.slug]),
            {"version": "2"},
        )
        assert response.status_code == 302
        with municipality_scope(self.tournai.pk):
            procedure = Procedure.objects.select_related("current_version").get(slug=TOURNAI_SLUG)
            assert procedure.title == "Copie d'acte de naissance (Tournai)"
            assert procedure.fee_amount == Decimal("5.00")
            assert procedure.fee_label == "5 €"
            assert procedure.service.code == "etat-civil"
            # What the municipality kept follows the template.
            assert procedure.summary.endswith("en PDF.")
            assert procedure.processing_days == 3
            assert procedure.current_version.number == 2  # type: ignore[union-attr]
            assert procedure.template_adoption.template_version.number == 2
            running.refresh_from_db()
            assert running.version_id == first_version
            assert running.spec.pages[1].title == "L'acte de naissance"
            new_case = file_sample_case(procedure=procedure, applicant=self.citizen)
            assert new_case.spec.pages[1].title == "L'acte de naissance recherché"
            assert not template_adoptions_outdated()
        self.assertContains(
            self.client.get(reverse("backoffice:template_list")), "À jour", status_code=200
        )

    def test_an_update_button_for_an_older_version_shows_the_newer_changes_first(self) -> None:
        self.adopt_in_tournai()
        self.new_version()
        self.login(self.admin, self.tournai)
        response = self.client.post(
            reverse("backoffice:template_update_apply", args=[self.template.slug]),
            {"version": "1"},
        )
        assert response.status_code == 302
        assert response["Location"].endswith("/nouvelle-version/")
        with municipality_scope(self.tournai.pk):
            assert TemplateAdoption.objects.get().template_version.number == 1

    def test_updating_twice_changes_nothing_the_second_time(self) -> None:
        adoption = self.adopt_in_antoing()
        self.new_version()
        with municipality_scope(self.antoing.pk):
            template_adoption_update(actor=None, adoption=adoption)
            template_adoption_update(actor=None, adoption=adoption)
            procedure = Procedure.objects.get(slug="copie-acte-de-naissance")
            assert procedure.versions.count() == 2
            assert (
                AuditEvent.objects.filter(action="procedure_template.adoption_updated").count() == 1
            )

    # --- who may ---------------------------------------------------------------------

    def test_an_agent_who_is_not_a_functional_administrator_cannot_see_the_templates(
        self,
    ) -> None:
        self.login(self.agent, self.tournai)
        assert self.client.get(reverse("backoffice:template_list")).status_code == 403
        url = reverse("backoffice:template_adopt", args=[self.template.slug])
        assert self.client.get(url).status_code == 403

    def test_a_municipality_s_administrator_cannot_act_for_another_municipality(self) -> None:
        self.adopt_in_tournai()
        self.login(self.antoing_admin, self.antoing)
        # On Tournai's host, Antoing's administrator is nobody's agent.
        assert self.client.get(reverse("backoffice:template_list")).status_code == 403
        url = reverse("backoffice:template_adopt", args=[self.template.slug])
        with municipality_scope(self.tournai.pk):
            tournai_form = self.adopt_form(
                Category.objects.get(slug="actes-et-certificats"),
                Service.objects.get(code="etat-civil"),
                slug="autre-adresse",
            )
        assert self.client.post(url, tournai_form).status_code == 403
        # On Antoing's own host, Tournai's category and service are not offered.
        response = self.client.post(url, tournai_form, HTTP_HOST=ANTOING)
        self.assertContains(response, "Choisissez une catégorie de la commune.", status_code=400)
        self.assertContains(response, "Choisissez un service de la commune.", status_code=400)
        # Tournai's adoption is not Antoing's to see or update.
        update = reverse("backoffice:template_update", args=[self.template.slug])
        assert self.client.get(update, HTTP_HOST=ANTOING).status_code == 404
        apply = reverse("backoffice:template_update_apply", args=[self.template.slug])
        assert self.client.post(apply, {"version": "1"}, HTTP_HOST=ANTOING).status_code == 404
        with municipality_scope(self.antoing.pk):
            assert not TemplateAdoption.objects.exists()
            assert not Procedure.objects.exists()

    # --- cost ----------------------------------------------------------------------

    def test_the_list_page_costs_the_same_queries_whatever_the_number_of_templates(
        self,
    ) -> None:
        self.adopt_in_tournai()
        self.login(self.admin, self.tournai)
        url = reverse("backoffice:template_list")
        self.client.get(url)  # the host directory and revisions, read once per process
        with self.assertNumQueries(LIST_PAGE_QUERIES):
            self.client.get(url)
        for slug in ("copie-acte-de-deces", "copie-acte-de-mariage", "copie-acte-de-divorce"):
            publish(load_yaml(SHIPPED_DIR / "procedures" / f"{slug}.yaml"), self.tournai)
        with self.assertNumQueries(LIST_PAGE_QUERIES):
            response = self.client.get(url)
        self.assertContains(response, "Copie d&#x27;acte de décès")
