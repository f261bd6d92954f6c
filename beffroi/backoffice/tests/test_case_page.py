"""The agents' case page: actions, concurrency, notes, messages."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse

from beffroi.cases.models import Case
from beffroi.testing.procedures import FilingTestCase, file_test_case


class CasePageTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        self.client.force_login(self.agent)
        self.url = reverse("backoffice:case_detail", args=[self.case.reference])

    def post(self, name: str, data: dict[str, object]) -> Any:
        return self.client.post(reverse(f"backoffice:{name}", args=[self.case.reference]), data)

    def test_the_page_shows_answers_and_the_transitions_the_agent_may_take(self) -> None:
        html = self.client.get(self.url).content.decode()
        assert "Dubois" in html
        assert "Prendre en charge" in html
        assert "Refuser" not in html  # the head of service's only

    def test_taking_a_transition_from_the_page(self) -> None:
        response = self.post(
            "case_transition", {"transition": "take", "lock_version": self.case.lock_version}
        )
        assert response["Location"] == self.url
        assert Case.objects.get(pk=self.case.pk).status == "in_progress"

    def test_a_missing_comment_is_asked_for_and_nothing_changes(self) -> None:
        response = self.post(
            "case_transition",
            {"transition": "ask", "comment": "", "lock_version": self.case.lock_version},
        )
        assert response.status_code == 400
        assert "Un commentaire est nécessaire" in response.content.decode()
        assert Case.objects.get(pk=self.case.pk).status == "submitted"

    def test_a_colleague_acting_first_wins_and_the_other_keeps_their_comment(self) -> None:
        seen = self.case.lock_version
        self.post("case_transition", {"transition": "take", "lock_version": seen})
        response = self.post(
            "case_transition",
            {"transition": "ask", "comment": "Votre livret ?", "lock_version": seen},
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "Un collègue a modifié ce dossier" in html
        assert "Votre livret ?" in html
        assert Case.objects.get(pk=self.case.pk).status == "in_progress"

    def test_assigning_notes_and_deadlines(self) -> None:
        self.post(
            "case_assign",
            {"agent": str(self.supervisor.pk), "lock_version": self.case.lock_version},
        )
        self.case.refresh_from_db()
        assert self.case.assigned_to == self.supervisor
        response = self.post(
            "case_assign",
            {"agent": str(self.other_agent.pk), "lock_version": self.case.lock_version},
        )
        assert response.status_code == 400
        self.post("case_note", {"body": "Appeler l’état civil."})
        assert self.case.notes.get().body == "Appeler l’état civil."
        response = self.post(
            "case_deadline", {"deadline": "2001-01-01", "lock_version": self.case.lock_version}
        )
        assert "ne peut pas être dans le passé" in response.content.decode()

    def test_a_message_reaches_the_citizen_by_email(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.post("case_message", {"body": "Pouvez-vous préciser la date ?"})
        assert self.case.messages.get().body == "Pouvez-vous préciser la date ?"
        assert mail.outbox[-1].to == [self.citizen.email]
        assert "Pouvez-vous préciser la date ?" in mail.outbox[-1].body

    def test_the_history_shows_emails_sent(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.post(
                "case_transition", {"transition": "take", "lock_version": self.case.lock_version}
            )
        html = self.client.get(self.url).content.decode()
        assert "E-mail envoyé" in html
