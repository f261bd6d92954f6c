"""Tell us once: a request made « Au nom de » an association does not ask
again whether the association organises it, and its card's legal form is
prefilled like its name and address."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.models import Draft
from beffroi.organisations.models import Organisation
from beffroi.organisations.services import organisation_register
from beffroi.testing.personas import PersonaTestCase

FIRST_PAGE = {
    "first-page": "demandeur",
    "applicant_first_name": "Marie",
    "applicant_last_name": "Dubois",
    "applicant_email": "marie@example.org",
}


class OnBehalfTests(PersonaTestCase):
    organisation: Organisation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.organisation = organisation_register(
            actor=None,
            kind="association",
            values={
                "name": "Comité de quartier Saint-Piat",
                "legal_form": "asbl",
                "enterprise_number": "0207373429",
                "email": "contact@saint-piat.example",
                "address": {
                    "street": "Rue Saint-Piat",
                    "number": "10",
                    "box": "",
                    "postcode": "7500",
                    "city": "Tournai",
                    "country": "BE",
                },
            },
            members=[
                {
                    "email": cls.citizen.email,
                    "first_name": "Marie",
                    "last_name": "Dubois",
                    "function": "présidente",
                    "role": "representative",
                }
            ],
        )

    def start_url(self, organisation: Organisation | None) -> str:
        url = reverse("portal:start", args=["demande-de-manifestation"])
        return f"{url}?on_behalf={organisation.pk}" if organisation else url

    def test_the_organiser_question_is_not_asked_on_behalf_of_an_association(self) -> None:
        self.client.force_login(self.citizen)
        html = self.client.get(self.start_url(self.organisation)).content.decode()
        assert "Vous organisez cet événement" not in html
        response = self.client.post(self.start_url(self.organisation), FIRST_PAGE)
        draft = Draft.objects.get(owner=self.citizen)
        assert draft.answers["organiser_type"] == "organisation"
        assert response["Location"] == reverse("portal:draft_page", args=[draft.pk, "organisation"])

    def test_the_organiser_question_is_asked_of_someone_filing_for_themselves(self) -> None:
        self.client.force_login(self.citizen)
        html = self.client.get(self.start_url(None)).content.decode()
        assert "Vous organisez cet événement" in html
        response = self.client.post(self.start_url(None), FIRST_PAGE)
        assert response.status_code == 302
        draft = Draft.objects.get(owner=self.citizen)
        assert "organiser_type" not in draft.answers
        assert draft.raw_pages  # the question is required: the page is shown again

    def test_the_associations_legal_form_comes_from_its_card(self) -> None:
        self.client.force_login(self.citizen)
        self.client.post(self.start_url(self.organisation), FIRST_PAGE)
        draft = Draft.objects.get(owner=self.citizen)
        html = self.client.get(
            reverse("portal:draft_page", args=[draft.pk, "organisation"])
        ).content.decode()
        assert 'value="Comité de quartier Saint-Piat"' in html
        assert '<option value="asbl" selected>' in html
        assert 'value="0207.373.429"' in html

    def test_the_summary_says_the_request_is_made_for_the_association(self) -> None:
        self.client.force_login(self.citizen)
        self.client.post(self.start_url(self.organisation), FIRST_PAGE)
        draft = Draft.objects.get(owner=self.citizen)
        html = self.client.get(reverse("portal:draft_check", args=[draft.pk])).content.decode()
        assert "Au nom d&#x27;une association, d&#x27;un comité" in html
