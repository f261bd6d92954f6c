"""Ids sent by buttons and links that are not ids: a page, never a server error."""

from __future__ import annotations

from django.urls import reverse

from beffroi.mail.tests.helpers import MailTestCase
from beffroi.testing.procedures import FilingTestCase, file_test_case

# "²" passes str.isdigit() and not int(); thirty digits overflow a 64-bit column.
NOT_IDS = ["²", "9" * 30]


class HostileIdTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        self.client.force_login(self.agent)

    def test_the_inbox_filter_on_an_agent(self) -> None:
        url = reverse("backoffice:service_inbox", args=["population"])
        for sent in NOT_IDS:
            response = self.client.get(url, {"assigned": sent})
            assert response.status_code == 200

    def test_assigning_to_an_agent_who_is_no_id(self) -> None:
        back = reverse("backoffice:service_inbox", args=["population"])
        for sent in NOT_IDS:
            response = self.client.post(
                reverse("backoffice:bulk_action"),
                {"cases": [self.case.reference], "action": f"assign:{sent}", "back": back},
            )
            assert response.status_code == 302
            self.case.refresh_from_db()
            assert self.case.assigned_to_id is None


class HostileMailIdTests(MailTestCase):
    def test_the_mail_pages_with_ids_that_are_not(self) -> None:
        self.client.force_login(self.clerk)
        for sent in NOT_IDS:
            response = self.client.get(reverse("backoffice:mail_home"), {"service": sent})
            assert response.status_code == 200
            response = self.client.get(reverse("backoffice:mail_register_new"), {"dernier": sent})
            assert response.status_code == 200
            register = reverse("backoffice:mail_register_list", args=["entrant"])
            response = self.client.get(register, {"page": sent})
            assert response.status_code == 200


class HostileRemovalTests(FilingTestCase):
    def test_removing_a_file_that_is_no_id_saves_the_page(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        for sent in NOT_IDS:
            response = self.client.post(
                self.page_url(draft, "demande"),
                {"link": "self", "copies": "1", "delivery": "pdf", "remove": sent},
            )
            assert response.status_code == 302
