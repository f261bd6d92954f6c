"""Open cases per service and status, kept by the database (cases.counts).

Every way a case moves — filed, transition, closed, reopened, sent to
another service, deleted, changed in bulk — is checked against a plain count
of the cases themselves, on SQLite and on PostgreSQL (each runs the triggers
its migration installed). ``agent`` is in Population, ``other_agent`` in
État civil.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from beffroi.cases.counts import open_counts_fold, open_status_counts
from beffroi.cases.models import Case, OpenCaseCount
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
            assert open_status_counts(service.pk) == expected

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

    def test_changes_that_move_nothing_add_no_row(self) -> None:
        before = OpenCaseCount.objects.count()
        Case.objects.filter(pk=self.first.pk).update(summary="Autre", deadline=None)
        Case.objects.filter(pk=self.first.pk).update(status="submitted")  # the same status
        assert OpenCaseCount.objects.count() == before

    def test_folding_keeps_the_sums_in_one_row_each(self) -> None:
        case = case_transition(actor=self.agent, case=self.first, transition_id="take")
        case_transition(actor=self.agent, case=case, transition_id="deliver")
        file_test_case(applicant=self.citizen)
        rows = OpenCaseCount.objects.count()
        # +1 +1 (filed), -1 +1 (taken), -1 (delivered), +1 (filed)
        assert open_counts_fold() == rows - 1
        assert list(OpenCaseCount.objects.values_list("service_id", "status", "delta")) == [
            (self.population.pk, "submitted", 2)
        ]
        self.assert_counts({"submitted": 2}, {})
        assert open_counts_fold() == 0  # nothing left to fold

    def test_a_status_emptied_by_folding_leaves_no_row(self) -> None:
        Case.objects.update(closed_at=timezone.now())
        open_counts_fold()
        assert not OpenCaseCount.objects.exists()
        self.assert_counts({}, {})


class InboxCountTests(FilingTestCase):
    def setUp(self) -> None:
        self.case = file_test_case(applicant=self.citizen)
        case_transition(actor=self.agent, case=self.case, transition_id="take")
        file_test_case(applicant=None, email="p@example.org")
        self.population = Service.objects.get(code="population")

    def test_the_service_inbox_shows_the_kept_counts(self) -> None:
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
