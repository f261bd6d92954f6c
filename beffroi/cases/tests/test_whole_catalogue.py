"""Every procedure of the shipped catalogue can be filed and processed."""

from __future__ import annotations

from beffroi.accounts.models import User
from beffroi.cases.models import Channel
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case, path_to_an_end, process_to_an_end
from beffroi.documents.models import IssuedDocument
from beffroi.municipality.models import Membership, Service
from beffroi.testing.personas import PersonaTestCase


class WholeCatalogueTests(PersonaTestCase):
    def head_of(self, service: Service) -> User:
        user, _ = User.objects.get_or_create(email=f"chef.{service.code}@tournai.example")
        Membership.objects.get_or_create(user=user, service=service, role=Membership.Role.HEAD)
        return user

    def test_every_procedure_is_filed_then_taken_to_a_final_status(self) -> None:
        procedures = Procedure.objects.exclude(current_version=None).select_related("service")
        assert procedures.count() == 25
        for procedure in procedures.filter(requires_eid=False):
            case = file_sample_case(procedure=procedure, applicant=self.citizen)
            assert case.channel == Channel.WEB
            assert case.status == case.spec.initial_status, procedure.slug
            assert path_to_an_end(case.spec, case.status, {"agent", "head"}), procedure.slug
            case = process_to_an_end(
                case, agent=self.head_of(case.service), roles={"agent", "head"}
            )
            assert case.is_closed, procedure.slug

    def test_eid_procedures_are_filed_at_the_counter_for_now(self) -> None:
        procedure = Procedure.objects.get(slug="changement-adresse")
        case = file_sample_case(procedure=procedure, applicant=None, agent=self.agent)
        assert case.channel == Channel.COUNTER

    def test_the_eight_certificates_of_pilot_one_are_issued(self) -> None:
        slugs = [
            "certificat-de-nationalite",
            "certificat-de-residence",
            "composition-de-menage",
            "extrait-de-casier-judiciaire",
            "copie-acte-de-naissance",
            "copie-acte-de-mariage",
            "copie-acte-de-deces",
            "copie-acte-de-divorce",
        ]
        for slug in slugs:
            procedure = Procedure.objects.get(slug=slug)
            case = file_sample_case(procedure=procedure, applicant=self.citizen)
            agent = self.supervisor if case.service.code == "population" else self.other_agent
            case = process_to_an_end(case, agent=agent, roles={"agent"})
            assert case.status == "delivered", slug
            assert IssuedDocument.objects.filter(case=case).exists(), slug
