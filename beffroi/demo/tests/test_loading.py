"""The demo's sample requests are coherent: each applicant's request carries
their own name, and an association's request its own card."""

from __future__ import annotations

from beffroi.agenda.models import DirectoryEntry
from beffroi.cases.models import Case
from beffroi.demo.tests.helpers import DemoTestCase
from beffroi.payments.models import Payment


class DemoRequestsTests(DemoTestCase):
    def test_the_associations_event_request_is_filed_by_luc_for_the_committee(self) -> None:
        case = Case.objects.get(procedure__slug="demande-de-manifestation")
        answers = case.answers
        assert case.applicant is not None
        assert case.applicant.first_name == "Luc"
        assert (answers["applicant_first_name"], answers["applicant_last_name"]) == (
            "Luc",
            "Martin",
        )
        assert case.organisation is not None
        assert (
            answers["org_name"] == case.organisation.name == "Comité des fêtes du Quai Notre-Dame"
        )
        assert answers["org_legal_form"] == case.organisation.legal_form
        assert int(answers["attendance"]) >= 100

    def test_maries_new_pin_code_is_paid_with_the_demo_provider(self) -> None:
        case = Case.objects.get(procedure__slug="nouveau-code-pin")
        payment = Payment.objects.get(case=case)
        assert payment.provider == "demo"
        assert payment.status == Payment.Status.PAID
        assert case.status == "submitted"

    def test_the_sample_shop_shows_its_logo(self) -> None:
        entry = DirectoryEntry.objects.get(name="Boulangerie du Beffroi")
        logo = entry.images.get(kind="logo")
        page = self.client.get(entry.get_absolute_url()).content.decode()
        assert f'src="{logo.get_absolute_url()}"' in page
        assert self.client.get(logo.get_absolute_url())["Content-Type"] == "image/png"

    def test_every_request_names_its_own_applicant(self) -> None:
        for case in Case.objects.filter(applicant__isnull=False).select_related("applicant"):
            first_name = case.answers.get("applicant_first_name")
            assert case.applicant is not None
            if first_name is not None:
                assert first_name == case.applicant.first_name, case.reference


class DemoServicesTests(DemoTestCase):
    def test_every_service_of_the_demo_has_someone_to_log_in_as(self) -> None:
        from beffroi.municipality.models import Service

        empty = Service.objects.filter(memberships__isnull=True).values_list("code", flat=True)
        assert not list(empty)

    def test_every_opinion_the_sample_requests_wait_for_has_an_agent_to_give_it(self) -> None:
        from beffroi.cases.models import Opinion

        pending = Opinion.objects.filter(given_at__isnull=True).select_related("service")
        assert pending.exists()
        for opinion in pending:
            assert opinion.service.memberships.exists(), opinion.service.code
