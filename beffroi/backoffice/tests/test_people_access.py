"""The 360° views open only to agents whose services deal with the person
or the organisation, as cases do."""

from __future__ import annotations

from django.urls import reverse

from beffroi.organisations.tests.test_organisations import register_association
from beffroi.testing.personas import PersonaTestCase


class OrganisationPageAccessTests(PersonaTestCase):
    def test_the_services_that_deal_with_it_see_the_card(self) -> None:
        organisation = register_association(self.citizen, self.events_agent)
        self.client.force_login(self.events_agent)
        response = self.client.get(reverse("backoffice:organisation_360", args=[organisation.pk]))
        assert response.status_code == 200
        assert "Comité de quartier Saint-Piat" in response.content.decode()

    def test_an_agent_of_another_service_gets_nothing(self) -> None:
        organisation = register_association(self.citizen, self.events_agent)
        for agent in (self.agent, self.police_agent):
            self.client.force_login(agent)
            url = reverse("backoffice:organisation_360", args=[organisation.pk])
            response = self.client.get(url)
            assert response.status_code == 404
            assert "pierre@example.org" not in response.content.decode()
