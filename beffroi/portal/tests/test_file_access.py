"""Who may download a case's files from the portal: what the applicant sent
and what the service sent them, never the files of an opinion."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from beffroi.cases.models import Attachment
from beffroi.cases.opinions import opinion_give, opinion_request
from beffroi.cases.services import case_message_send
from beffroi.municipality.models import Service
from beffroi.testing.procedures import FilingTestCase, file_test_case

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
WHO = {"check": "1", "last_name": "Visiteur", "birth_date": "1985-07-30"}


class FileAccessTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen, last_name="Visiteur")
        (opinion,) = opinion_request(
            actor=self.agent,
            case=self.case,
            services=[Service.objects.get(code="police")],
            due_date=timezone.localdate(),
        )
        opinion_give(
            actor=self.police_agent,
            opinion=opinion,
            verdict="favourable",
            comment="",
            files=[(PDF, "rapport-police-interne.pdf", "pdf")],
        )
        case_message_send(
            actor=self.agent,
            case=self.case,
            body="Voici le plan.",
            files=[(PDF + b" ", "plan.pdf", "pdf")],
        )
        self.internal = Attachment.objects.get(filename="rapport-police-interne.pdf")
        self.sent = Attachment.objects.get(filename="plan.pdf")

    def url(self, attachment: Attachment) -> str:
        return reverse("portal:case_file", args=[self.case.reference, attachment.pk])

    def test_the_applicant_opens_what_the_service_sent_but_not_an_opinions_report(self) -> None:
        self.client.force_login(self.citizen)
        assert self.client.get(self.url(self.sent)).status_code == 200
        assert self.client.get(self.url(self.internal)).status_code == 404
        page = self.client.get(self.case.get_absolute_url()).content.decode()
        assert "rapport-police-interne" not in page

    def test_the_codes_holder_cannot_open_an_opinions_report_either(self) -> None:
        details = reverse("portal:tracking_details", args=[self.case.tracking_code])
        self.client.post(details, WHO)
        assert self.client.get(self.url(self.sent)).status_code == 200
        assert self.client.get(self.url(self.internal)).status_code == 404

    def test_the_agent_still_opens_the_report_in_the_backoffice(self) -> None:
        self.client.force_login(self.agent)
        url = reverse("backoffice:case_file", args=[self.case.reference, self.internal.pk])
        assert self.client.get(url).status_code == 200
