"""Every label of the case page points to its own field: an internal note is
never typed into the message the citizen receives."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.services import case_transition
from beffroi.testing.html_ids import id_problems
from beffroi.testing.procedures import FilingTestCase, file_test_case


class CasePageIdsTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        self.url = reverse("backoffice:case_detail", args=[self.case.reference])

    def test_the_agents_page_has_each_id_once_and_no_stray_label(self) -> None:
        self.client.force_login(self.agent)
        html = self.client.get(self.url).content.decode()
        problems = id_problems(html)
        assert not problems, "\n".join(problems)
        assert 'for="id_note_body"' in html  # the note's label names the note
        problems = id_problems(html)
        assert not problems, "\n".join(problems)

    def test_the_same_holds_once_the_case_is_in_hand_and_for_the_head(self) -> None:
        case_transition(actor=self.agent, case=self.case, transition_id="take")
        for person in (self.agent, self.supervisor):
            self.client.force_login(person)
            assert id_problems(self.client.get(self.url).content.decode()) == []
