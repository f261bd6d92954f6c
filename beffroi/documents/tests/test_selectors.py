"""Finding issued documents: by code, by file, per case and per citizen."""

from __future__ import annotations

from django.test import TestCase

from beffroi.accounts.models import User
from beffroi.cases.issuing import case_document_issue as document_issue
from beffroi.cases.models import Case
from beffroi.documents.models import IssuedDocument
from beffroi.documents.selectors import (
    issued_document_by_code,
    issued_document_by_sha256,
    issued_documents_for_case,
    issued_documents_for_citizen,
)
from beffroi.documents.tests.builders import certificate_case
from beffroi.testing.personas import create_world


class SelectorTests(TestCase):
    citizen: User
    other_citizen: User
    agent: User
    case: Case
    other_case: Case
    first: IssuedDocument
    second: IssuedDocument
    others: IssuedDocument

    @classmethod
    def setUpTestData(cls) -> None:
        people = create_world(catalogue=False)
        cls.citizen = people["citizen"]
        cls.other_citizen = people["other_citizen"]
        cls.agent = people["agent"]
        cls.case = certificate_case(applicant=cls.citizen)
        cls.first = document_issue(actor=cls.agent, case=cls.case, document_id="certificate")
        cls.second = document_issue(actor=cls.agent, case=cls.case, document_id="certificate")
        cls.other_case = certificate_case(applicant=cls.other_citizen)
        cls.others = document_issue(actor=cls.agent, case=cls.other_case, document_id="certificate")

    def test_a_code_is_found_however_it_was_typed(self) -> None:
        code = self.first.verification_code
        assert issued_document_by_code(code) == self.first
        typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
        assert issued_document_by_code(typed) == self.first

    def test_a_code_of_the_wrong_shape_or_unknown_finds_nothing(self) -> None:
        assert issued_document_by_code("ABC") is None
        assert issued_document_by_code("B" * 16) is None
        assert issued_document_by_code("A" * 16) is None

    def test_a_file_is_found_by_its_sha256_only(self) -> None:
        assert issued_document_by_sha256(self.second.file.sha256) == self.second
        assert issued_document_by_sha256(self.second.file.sha256.upper()) == self.second
        assert issued_document_by_sha256("0" * 64) is None
        assert issued_document_by_sha256("not a hash") is None

    def test_a_cases_documents_come_newest_first(self) -> None:
        assert list(issued_documents_for_case(self.case.pk)) == [self.second, self.first]

    def test_a_citizen_sees_only_the_documents_of_their_own_cases(self) -> None:
        assert list(issued_documents_for_citizen(self.citizen)) == [self.second, self.first]
        assert list(issued_documents_for_citizen(self.other_citizen)) == [self.others]
        assert list(issued_documents_for_citizen(self.agent)) == []
        assert list(issued_documents_for_citizen(None)) == []

    def test_a_citizens_list_costs_one_query_however_long(self) -> None:
        for _ in range(3):
            document_issue(actor=self.agent, case=self.case, document_id="certificate")
        with self.assertNumQueries(1):
            documents = list(issued_documents_for_citizen(self.citizen))
            shown = [
                (d.title, d.case.reference, d.case.procedure.title, d.service.name, d.file.size)
                for d in documents
            ]
        assert len(shown) == 5
