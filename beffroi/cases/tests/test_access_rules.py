"""Who sees which case: each rule, one persona at a time."""

from __future__ import annotations

from django.urls import reverse

from beffroi.audit.models import AccessLog
from beffroi.cases.services import case_message_send, case_reply
from beffroi.testing.procedures import FilingTestCase, file_test_case


class AccessRulesTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        self.agent_url = reverse("backoffice:case_detail", args=[self.case.reference])
        self.citizen_url = self.case.get_absolute_url()

    def test_an_agent_sees_the_cases_of_their_service(self) -> None:
        self.client.force_login(self.agent)
        assert self.client.get(self.agent_url).status_code == 200

    def test_the_head_of_service_sees_the_services_cases(self) -> None:
        self.client.force_login(self.supervisor)
        assert self.client.get(self.agent_url).status_code == 200

    def test_an_agent_of_another_service_does_not(self) -> None:
        self.client.force_login(self.other_agent)
        assert self.client.get(self.agent_url).status_code == 404
        html = self.client.get(reverse("backoffice:inbox")).content.decode()
        assert self.case.reference not in html

    def test_an_agent_cannot_act_on_another_services_case(self) -> None:
        self.client.force_login(self.other_agent)
        response = self.client.post(
            reverse("backoffice:case_transition", args=[self.case.reference]),
            {"transition": "take", "lock_version": self.case.lock_version},
        )
        assert response.status_code == 404
        self.case.refresh_from_db()
        assert self.case.status == "submitted"

    def test_a_citizen_sees_only_their_own_case(self) -> None:
        self.client.force_login(self.citizen)
        assert self.client.get(self.citizen_url).status_code == 200
        self.client.force_login(self.other_citizen)
        assert self.client.get(self.citizen_url).status_code == 404

    def test_a_citizen_never_reaches_the_agents_case_page(self) -> None:
        self.client.force_login(self.citizen)
        assert self.client.get(self.agent_url).status_code == 403

    def test_files_are_downloaded_only_by_those_allowed(self) -> None:
        message = case_reply(
            actor=self.citizen,
            case=self.case,
            body="Voici.",
            files=[(b"%PDF-1.4 a", "piece.pdf", "pdf")],
        )
        attachment = message.attachments.get()
        citizen_file = reverse("portal:case_file", args=[self.case.reference, attachment.pk])
        agent_file = reverse("backoffice:case_file", args=[self.case.reference, attachment.pk])
        self.client.force_login(self.citizen)
        response = self.client.get(citizen_file)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 a"  # type: ignore[attr-defined]
        self.client.force_login(self.other_citizen)
        assert self.client.get(citizen_file).status_code == 404
        self.client.force_login(self.other_agent)
        assert self.client.get(agent_file).status_code == 404
        self.client.force_login(self.agent)
        assert self.client.get(agent_file).status_code == 200
        self.client.logout()
        assert self.client.get(citizen_file).status_code == 404

    def test_internal_notes_never_reach_the_citizen(self) -> None:
        self.client.force_login(self.agent)
        self.client.post(
            reverse("backoffice:case_note", args=[self.case.reference]),
            {"body": "Dossier délicat."},
        )
        case_message_send(actor=self.agent, case=self.case, body="Bonjour Madame.")
        self.client.force_login(self.citizen)
        html = self.client.get(self.citizen_url).content.decode()
        assert "Bonjour Madame." in html
        assert "Dossier délicat." not in html

    def test_an_agent_opening_a_case_is_logged_for_the_citizen(self) -> None:
        self.client.force_login(self.agent)
        self.client.get(self.agent_url)
        log = AccessLog.objects.get(action="case.viewed")
        assert log.actor == self.agent
        assert log.subject == self.citizen
