"""Open cases per service and status, as the service's inbox counts them.

Every way a case moves — filed, transition, closed, reopened, sent to
another service, deleted, changed in bulk — is checked against a plain count
of the cases themselves: the inbox counts the cases (in the partial index of
open cases), so nothing can drift. ``agent`` is in Population,
``other_agent`` in État civil.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from beffroi.cases.models import Case
from beffroi.cases.selectors import InboxFilters, inbox_status_counts
from beffroi.cases.services import case_transition
from beffroi.municipality.models import Service
from beffroi.testing.procedures import FilingTestCase, file_test_case


def counted(service_id: int) -> dict[str, int]:
    """What the counts must be: the service's open cases, counted one by one."""
    rows = (
        Case.objects.filter(service_id=service_id, closed_at__isnull=True)
        .values("status")
        .annotate(total=Count("id"))
        .values_list("status", "total")
    )
    return dict(rows)


class OpenCountTests(FilingTestCase):
    def setUp(self) -> None:
        self.population = Service.objects.get(code="population")
        self.etat_civil = Service.objects.get(code="etat-civil")
        self.first = file_test_case(applicant=self.citizen)
        self.second = file_test_case(applicant=None, email="p@example.org")

    def assert_counts(self, population: dict[str, int], etat_civil: dict[str, int]) -> None:
        for service, expected in ((self.population, population), (self.etat_civil, etat_civil)):
            assert counted(service.pk) == expected
            inbox = InboxFilters(service_id=service.pk)
            agent = self.agent if service == self.population else self.other_agent
            assert inbox_status_counts(agent, inbox) == expected

    def test_filed_cases_count_in_their_first_status(self) -> None:
        self.assert_counts({"submitted": 2}, {})

    def test_a_transition_moves_the_case_and_a_final_status_closes_it(self) -> None:
        case = case_transition(actor=self.agent, case=self.first, transition_id="take")
        self.assert_counts({"submitted": 1, "in_progress": 1}, {})
        case_transition(actor=self.agent, case=case, transition_id="deliver")
        self.assert_counts({"submitted": 1}, {})

    def test_reopening_moving_deleting_and_bulk_updates_are_counted(self) -> None:
        Case.objects.filter(pk=self.first.pk).update(closed_at=timezone.now())
        self.assert_counts({"submitted": 1}, {})
        Case.objects.filter(pk=self.first.pk).update(closed_at=None, status="in_progress")
        self.assert_counts({"submitted": 1, "in_progress": 1}, {})
        Case.objects.filter(pk=self.second.pk).update(service=self.etat_civil)
        self.assert_counts({"in_progress": 1}, {"submitted": 1})
        Case.objects.update(status="information_requested")
        self.assert_counts({"information_requested": 1}, {"information_requested": 1})
        Case.objects.filter(pk=self.first.pk).delete()
        self.assert_counts({}, {"information_requested": 1})

    def test_the_count_stays_in_the_index_of_open_cases_on_postgresql(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        query = (
            Case.objects.filter(service_id=self.population.pk, closed_at__isnull=True)
            .order_by()
            .values("status")
            .annotate(total=Count("status"))
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = query.explain()
        # On a table this small the planner may take the full index of the same
        # columns as the partial one of open cases: either keeps it off the table.
        assert "Seq Scan" not in plan, plan
        assert "case_open_service_status" in plan or "case_service_status" in plan, plan


class InboxCountTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        case_transition(actor=self.agent, case=self.case, transition_id="take")
        file_test_case(applicant=None, email="p@example.org")
        self.population = Service.objects.get(code="population")

    def test_the_service_inbox_shows_its_counts(self) -> None:
        self.client.force_login(self.agent)
        html = self.client.get(reverse("backoffice:service_inbox", args=["population"]))
        text = html.content.decode()
        assert "2 dossiers ouverts" in text
        assert "À traiter (1)" in text

    def test_an_agent_gets_no_counts_of_a_service_not_theirs(self) -> None:
        filters = InboxFilters(service_id=self.population.pk)
        assert inbox_status_counts(self.agent, filters) == {
            "submitted": 1,
            "in_progress": 1,
        }
        assert inbox_status_counts(self.other_agent, filters) == {}

    def test_counts_with_closed_cases_or_of_my_cases_are_counted_directly(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(assigned_to=self.agent)
        mine = InboxFilters(mine=True)
        assert inbox_status_counts(self.agent, mine) == {"in_progress": 1}
        everything = InboxFilters(service_id=self.population.pk, include_closed=True)
        Case.objects.filter(pk=self.case.pk).update(closed_at=timezone.now())
        assert inbox_status_counts(self.agent, everything) == {
            "submitted": 1,
            "in_progress": 1,
        }
