"""The agents' inboxes: order, filters, search, counts, bulk actions."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from beffroi.cases.models import Case, Channel
from beffroi.cases.services import case_assign, case_transition
from beffroi.testing.procedures import FilingTestCase, file_test_case


class InboxTests(FilingTestCase):
    def setUp(self) -> None:
        today = timezone.localdate()
        self.late = file_test_case(applicant=self.citizen, last_name="Tardif")
        self.soon = file_test_case(applicant=None, last_name="Proche", email="p@example.org")
        self.later = file_test_case(applicant=None, last_name="Lointain", email="l@example.org")
        Case.objects.filter(pk=self.late.pk).update(deadline=today - datetime.timedelta(days=2))
        Case.objects.filter(pk=self.soon.pk).update(deadline=today + datetime.timedelta(days=1))
        Case.objects.filter(pk=self.later.pk).update(
            deadline=today + datetime.timedelta(days=20), channel=Channel.COUNTER
        )
        self.url = reverse("backoffice:service_inbox", args=["population"])
        self.client.force_login(self.agent)

    def references(self, response: object) -> list[str]:
        cases = response.context["cases"]  # type: ignore[attr-defined]
        return [case.reference for case in cases]

    def test_the_service_inbox_lists_overdue_first_then_by_deadline(self) -> None:
        response = self.client.get(self.url)
        assert self.references(response) == [
            self.late.reference,
            self.soon.reference,
            self.later.reference,
        ]
        html = response.content.decode()
        assert "en retard" in html
        assert "3 dossiers ouverts" in html
        assert "À traiter (3)" in html

    def test_a_line_links_the_case_and_escapes_what_the_applicant_typed(self) -> None:
        Case.objects.filter(pk=self.soon.pk).update(
            applicant_name="<script>alert(1)</script>", summary="Café & co"
        )
        case_assign(actor=self.agent, case=self.soon, agent=self.supervisor)
        html = self.client.get(self.url).content.decode()
        url = reverse("backoffice:case_detail", args=[self.soon.reference])
        assert f'<a href="{url}">{self.soon.reference}</a>' in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert" not in html
        assert "Café &amp; co" in html
        assert self.supervisor.full_name in html
        ref = self.late.reference
        assert f'aria-label="Sélectionner le dossier {ref}"' in html
        overdue = html[html.index(f'id="select-{ref}"') : html.index("</tr>", html.index(ref))]
        assert "en retard" in overdue
        assert (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d/%m/%Y") in overdue

    def test_my_inbox_shows_the_cases_assigned_to_me(self) -> None:
        case_assign(actor=self.agent, case=self.soon, agent=self.agent)
        response = self.client.get(reverse("backoffice:inbox"))
        assert self.references(response) == [self.soon.reference]

    def test_filters_narrow_the_list(self) -> None:
        case_transition(actor=self.agent, case=self.soon, transition_id="take")
        assert self.references(self.client.get(self.url, {"status": "in_progress"})) == [
            self.soon.reference
        ]
        assert self.references(self.client.get(self.url, {"channel": "counter"})) == [
            self.later.reference
        ]
        assert self.references(self.client.get(self.url, {"overdue": "on"})) == [
            self.late.reference
        ]
        case_assign(actor=self.agent, case=self.late, agent=self.supervisor)
        assigned = self.client.get(self.url, {"assigned": str(self.supervisor.pk)})
        assert self.references(assigned) == [self.late.reference]
        unassigned = self.client.get(self.url, {"assigned": "none"})
        assert self.late.reference not in self.references(unassigned)

    def test_search_finds_a_name_a_reference_or_a_tracking_code(self) -> None:
        assert self.references(self.client.get(self.url, {"q": "proche"})) == [self.soon.reference]
        assert self.references(self.client.get(self.url, {"q": self.later.reference})) == [
            self.later.reference
        ]
        code = self.late.tracking_code.lower()
        assert self.references(self.client.get(self.url, {"q": code})) == [self.late.reference]

    def test_a_bad_filter_value_gets_a_message_not_an_error(self) -> None:
        response = self.client.get(
            self.url, {"submitted_from": "hier", "procedure": "abc", "page": "x"}
        )
        assert response.status_code == 200
        assert "Indiquez une date" in response.content.decode()

    def test_closed_cases_leave_the_inbox(self) -> None:
        case_transition(
            actor=self.supervisor, case=self.soon, transition_id="refuse", comment="Non."
        )
        assert self.soon.reference not in self.references(self.client.get(self.url))
        assert self.soon.reference in self.references(self.client.get(self.url, {"closed": "on"}))

    def test_the_query_count_does_not_grow_with_the_number_of_cases(self) -> None:
        self.client.get(self.url)  # warm the per-request caches
        with self.assertNumQueries(10):
            self.client.get(self.url)
        for _ in range(10):
            file_test_case(applicant=None, email="n@example.org")
        with self.assertNumQueries(10):
            self.client.get(self.url)

    def test_bulk_assign_and_bulk_transition(self) -> None:
        back = self.url
        response = self.client.post(
            reverse("backoffice:bulk_action"),
            {
                "cases": [self.late.reference, self.soon.reference],
                "action": "assign:me",
                "back": back,
            },
        )
        assert response["Location"] == back
        assert set(
            Case.objects.filter(assigned_to=self.agent).values_list("reference", flat=True)
        ) == {
            self.late.reference,
            self.soon.reference,
        }
        self.client.post(
            reverse("backoffice:bulk_action"),
            {
                "cases": [self.late.reference, self.later.reference],
                "action": "transition:take",
                "back": back,
            },
        )
        assert set(
            Case.objects.filter(status="in_progress").values_list("reference", flat=True)
        ) == {
            self.late.reference,
            self.later.reference,
        }

    def test_a_bulk_action_that_cannot_apply_says_which_cases(self) -> None:
        case_transition(actor=self.agent, case=self.soon, transition_id="take")
        response = self.client.post(
            reverse("backoffice:bulk_action"),
            {"cases": [self.soon.reference, self.late.reference], "action": "transition:take"},
            follow=True,
        )
        html = response.content.decode()
        assert "1 dossier(s) traité(s)" in html
        assert self.soon.reference in html
        assert "Non traités" in html


class MailInInboxTests(FilingTestCase):
    def test_the_services_mail_shares_the_inbox_with_its_cases_by_due_date(self) -> None:
        import datetime

        from beffroi.mail.services import mail_register, mail_route
        from beffroi.municipality.models import Service

        case = file_test_case(applicant=self.citizen)
        Case.objects.filter(pk=case.pk).update(
            deadline=timezone.localdate() + datetime.timedelta(days=5)
        )
        letter = mail_register(
            actor=self.agent, channel="paper", subject="Plainte pour tapage nocturne"
        )
        mail_route(
            actor=self.agent, item=letter, service=Service.objects.get(code="population"), copies=[]
        )
        self.client.force_login(self.agent)
        url = reverse("backoffice:service_inbox", args=["population"])
        html = self.client.get(url).content.decode()
        assert letter.number in html
        assert f">{case.reference}</a>" in html
        assert "1 courrier à traiter" in html
        assert letter.number not in self.client.get(url, {"kind": "cases"}).content.decode()
        only_mail = self.client.get(url, {"kind": "mail"}).content.decode()
        assert f">{case.reference}</a>" not in only_mail
        assert letter.number in only_mail
        # A filter only cases have shows cases only.
        assert letter.number not in self.client.get(url, {"status": "submitted"}).content.decode()
        self.client.force_login(self.other_agent)
        assert letter.number not in self.client.get(reverse("backoffice:inbox")).content.decode()
