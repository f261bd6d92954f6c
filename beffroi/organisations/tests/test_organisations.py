"""Associations: the card validated by the city, its members, its requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from beffroi.cases.services import NotFileable, case_transition, draft_start
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case
from beffroi.organisations.models import Organisation, OrganisationMember
from beffroi.organisations.services import (
    MembershipRefused,
    organisation_member_add,
    organisation_member_remove,
)
from beffroi.testing.personas import PersonaTestCase, make_user


def register_association(citizen: Any, agent: Any) -> Organisation:
    """Marie's neighbourhood committee, validated by the events service."""
    case = file_sample_case(
        procedure=Procedure.objects.get(slug="carte-identite-association"),
        applicant=citizen,
        overrides={
            "association_name": "Comité de quartier Saint-Piat",
            "association_legal_form": "de_fait",
            "rep1_email": citizen.email,
            "rep1_first_name": "Marie",
            "rep1_last_name": "Dubois",
            "rep1_role": "présidente",
            "has_second_representative": True,
            "rep2_email": "pierre@example.org",
            "rep2_first_name": "Pierre",
            "rep2_last_name": "Vandamme",
            "rep2_role": "trésorier",
        },
    )
    assert not Organisation.objects.exists()  # nothing before the city validates
    case = case_transition(actor=agent, case=case, transition_id="take")
    case_transition(actor=agent, case=case, transition_id="accept")
    return Organisation.objects.get()


class AssociationCardTests(PersonaTestCase):
    def register(self) -> Organisation:
        return register_association(self.citizen, self.events_agent)

    def test_the_citys_validation_creates_the_card_with_its_representatives(self) -> None:
        organisation = self.register()
        assert organisation.name == "Comité de quartier Saint-Piat"
        representatives = organisation.members.filter(role=OrganisationMember.Role.REPRESENTATIVE)
        assert set(representatives.values_list("email", flat=True)) == {
            self.citizen.email,
            "pierre@example.org",
        }
        assert representatives.get(email=self.citizen.email).user == self.citizen
        assert representatives.get(email="pierre@example.org").user is None  # no account yet

    def test_a_member_named_before_having_an_account_is_linked_when_they_log_in(self) -> None:
        organisation = self.register()
        pierre = make_user("pierre@example.org", first_name="Pierre")
        self.client.force_login(pierre)
        html = self.client.get(reverse("portal:my_organisations")).content.decode()
        assert "Comité de quartier Saint-Piat" in html
        assert organisation.members.get(email="pierre@example.org").user == pierre

    def test_a_representative_files_in_the_associations_name_and_members_see_it(self) -> None:
        organisation = self.register()
        lea = make_user("lea@example.org", first_name="Léa")
        organisation_member_add(
            actor=self.citizen,
            organisation=organisation,
            email=lea.email,
            role="member",
            first_name="Léa",
        )
        self.client.force_login(self.citizen)
        procedure = Procedure.objects.get(slug="demande-de-manifestation")
        html = self.client.get(procedure.get_absolute_url()).content.decode()
        assert "Au nom de Comité de quartier Saint-Piat" in html
        # The choice travels in the first page's address; sending the page opens the draft.
        start = reverse("portal:start", args=[procedure.slug]) + f"?on_behalf={organisation.pk}"
        assert self.client.get(start).status_code == 200
        assert not self.citizen.drafts.filter(case__isnull=True).exists()
        response = self.client.post(start, {"first-page": "x"})
        assert response.status_code == 302
        assert self.citizen.drafts.get(case__isnull=True).organisation == organisation
        event_case = file_sample_case(
            procedure=procedure, applicant=self.citizen, organisation=organisation
        )
        assert event_case.organisation == organisation
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="certificat-de-residence"), applicant=self.citizen
        )
        assert case.organisation is None

        self.client.force_login(lea)
        page = self.client.get(event_case.get_absolute_url())
        assert page.status_code == 200
        assert "Comité de quartier Saint-Piat" in page.content.decode()
        assert 'id="reply"' not in page.content.decode()  # members read, representatives answer
        assert (
            self.client.post(event_case.get_absolute_url(), {"body": "Bonjour"}).status_code == 403
        )
        assert self.client.get(case.get_absolute_url()).status_code == 404  # Marie's own request

        self.client.force_login(self.other_citizen)
        assert self.client.get(event_case.get_absolute_url()).status_code == 404

    def test_only_representatives_file_in_the_name_of_the_association(self) -> None:
        organisation = self.register()
        procedure = Procedure.objects.get(slug="demande-de-manifestation")
        with pytest.raises(NotFileable):
            draft_start(actor=self.other_citizen, procedure=procedure, organisation=organisation)

    def test_members_are_managed_by_representatives_only(self) -> None:
        organisation = self.register()
        with pytest.raises(MembershipRefused):
            organisation_member_add(
                actor=self.other_citizen,
                organisation=organisation,
                email="x@example.org",
                role="member",
            )
        marie = organisation.members.get(email=self.citizen.email)
        pierre = organisation.members.get(email="pierre@example.org")
        organisation_member_remove(actor=self.citizen, organisation=organisation, member=pierre)
        with pytest.raises(MembershipRefused, match="au moins un représentant"):
            organisation_member_remove(actor=self.citizen, organisation=organisation, member=marie)

    def test_the_member_page_adds_people_with_french_messages(self) -> None:
        organisation = self.register()
        self.client.force_login(self.citizen)
        url = reverse("portal:organisation_detail", args=[organisation.pk])
        response = self.client.post(
            url, {"email": "pas-une-adresse", "first_name": "A", "last_name": "B", "role": "member"}
        )
        assert response.status_code == 400
        assert "Indiquez une adresse e-mail valide" in response.content.decode()
        response = self.client.post(
            url,
            {"email": "pierre@example.org", "first_name": "P", "last_name": "V", "role": "member"},
        )
        assert "fait déjà partie" in response.content.decode()
        response = self.client.post(
            url,
            {"email": "lea@example.org", "first_name": "Léa", "last_name": "Roy", "role": "member"},
        )
        assert response.status_code == 302
        assert organisation.members.filter(email="lea@example.org").exists()

    def test_a_validated_change_updates_the_card(self) -> None:
        organisation = self.register()
        procedure = Procedure.objects.get(slug="modifier-carte-identite-association")
        case = file_sample_case(
            procedure=procedure,
            applicant=self.citizen,
            organisation=organisation,
            overrides={"changes": ["contact"], "new_email": "contact@saint-piat.example"},
        )
        case = case_transition(actor=self.events_agent, case=case, transition_id="take")
        case_transition(actor=self.events_agent, case=case, transition_id="accept")
        organisation.refresh_from_db()
        assert organisation.email == "contact@saint-piat.example"


class BusinessTests(PersonaTestCase):
    def test_an_approved_business_page_makes_the_business_known_with_its_representative(
        self,
    ) -> None:
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="page-commerce"),
            applicant=self.citizen,
            overrides={"business_name": "Boulangerie du Beffroi"},
        )
        agent = make_user(
            "karim@tournai.example", services=(("developpement-economique", "agent"),)
        )
        case = case_transition(actor=agent, case=case, transition_id="take")
        case_transition(actor=agent, case=case, transition_id="approve")
        business = Organisation.objects.get(kind=Organisation.Kind.BUSINESS)
        assert business.name == "Boulangerie du Beffroi"
        assert business.enterprise_number == case.answers["enterprise_number"]
        member = business.members.get()
        assert (member.user, member.role) == (self.citizen, OrganisationMember.Role.REPRESENTATIVE)
        procedure = Procedure.objects.get(slug="gerer-page-commerce")
        self.client.force_login(self.citizen)
        assert (
            "Au nom de Boulangerie du Beffroi"
            in self.client.get(procedure.get_absolute_url()).content.decode()
        )
