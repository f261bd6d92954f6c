"""The 360° views of a citizen and of an organisation."""

from __future__ import annotations

from django.urls import reverse

from beffroi.audit.models import AccessLog
from beffroi.mail.services import mail_link_citizen, mail_register, mail_route
from beffroi.municipality.models import Service
from beffroi.testing.procedures import FilingTestCase, file_test_case


class CitizenViewTests(FilingTestCase):
    def test_an_agent_sees_the_citizens_cases_and_mail_of_their_services(self) -> None:
        case = file_test_case(applicant=self.citizen)
        letter = mail_register(actor=self.agent, channel="paper", subject="Lettre de Madame Dubois")
        mail_route(
            actor=self.agent, item=letter, service=Service.objects.get(code="population"), copies=[]
        )
        mail_link_citizen(actor=self.agent, item=letter, citizen=self.citizen)
        self.client.force_login(self.agent)
        url = reverse("backoffice:citizen_360", args=[self.citizen.pk])
        html = self.client.get(url).content.decode()
        assert case.reference in html
        assert letter.number in html
        assert AccessLog.objects.filter(
            action="citizen.viewed", subject=self.citizen, actor=self.agent
        ).exists()
        # From the case page, the applicant's name leads here.
        assert (
            url
            in self.client.get(
                reverse("backoffice:case_detail", args=[case.reference])
            ).content.decode()
        )

    def test_an_agent_with_nothing_of_theirs_in_their_services_is_turned_away(self) -> None:
        file_test_case(applicant=self.citizen)
        self.client.force_login(self.other_agent)
        assert (
            self.client.get(reverse("backoffice:citizen_360", args=[self.citizen.pk])).status_code
            == 404
        )
