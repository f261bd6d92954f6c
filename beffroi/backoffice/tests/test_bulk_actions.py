"""Bulk actions in the inbox: parsed by their form, offering only what the
agent could do, and « Prendre en charge » gives the case to its agent."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.models import Case
from beffroi.cases.services import case_assign
from beffroi.testing.procedures import FilingTestCase, file_test_case


class BulkActionTests(FilingTestCase):
    def setUp(self) -> None:
        self.first = file_test_case(applicant=self.citizen)
        self.second = file_test_case(applicant=None, email="p@example.org")
        case_assign(actor=self.agent, case=self.first, agent=self.agent)
        self.url = reverse("backoffice:service_inbox", args=["population"])
        self.client.force_login(self.agent)

    def _bulk(self, action: str) -> str:
        response = self.client.post(
            reverse("backoffice:bulk_action"),
            {"cases": [self.first.reference, self.second.reference], "action": action},
            follow=True,
        )
        return response.content.decode()

    def test_an_unknown_or_malformed_agent_is_refused_and_unassigns_nothing(self) -> None:
        for action in ("assign:999999", "assign:abc", "assign:", "assign:12x", "détruire"):
            html = self._bulk(action)
            assert "Sélectionnez un choix valide" in html, action
            self.first.refresh_from_db()
            assert self.first.assigned_to_id == self.agent.pk, action

    def test_an_agent_of_another_service_cannot_be_given_the_cases(self) -> None:
        self._bulk(f"assign:{self.other_agent.pk}")
        assert not Case.objects.filter(assigned_to=self.other_agent).exists()

    def test_cases_the_agent_may_not_see_are_refused(self) -> None:
        self.client.force_login(self.other_agent)
        html = self._bulk("assign:me")
        assert "Sélectionnez un choix valide" in html
        assert not Case.objects.filter(assigned_to=self.other_agent).exists()

    def test_the_menu_offers_only_what_the_agents_role_may_do(self) -> None:
        html = self.client.get(self.url).content.decode()
        assert 'value="transition:take"' in html
        # The test procedure's head-only decision is not offered to an agent.
        for transition in self.first.spec.transitions.values():
            roles = transition.get("roles") or []
            if (roles and "agent" not in roles) or transition.get("authority"):
                assert f'value="transition:{transition["id"]}"' not in html, transition["id"]


class TakingInHandTests(FilingTestCase):
    def test_taking_a_case_in_hand_gives_it_to_the_agent(self) -> None:
        case = file_test_case(applicant=self.citizen)
        self.client.force_login(self.agent)
        self.client.post(
            reverse("backoffice:case_transition", args=[case.reference]),
            {"transition": "take", "lock_version": case.lock_version},
        )
        case.refresh_from_db()
        assert case.status == "in_progress"
        assert case.assigned_to_id == self.agent.pk
        html = self.client.get(reverse("backoffice:case_detail", args=[case.reference]))
        assert "pris en charge par Sophie" in html.content.decode()

    def test_a_case_already_given_to_a_colleague_stays_theirs(self) -> None:
        case = file_test_case(applicant=self.citizen)
        case = case_assign(actor=self.agent, case=case, agent=self.supervisor)
        self.client.force_login(self.agent)
        self.client.post(
            reverse("backoffice:case_transition", args=[case.reference]),
            {"transition": "take", "lock_version": case.lock_version},
        )
        case.refresh_from_db()
        assert case.assigned_to_id == self.supervisor.pk
