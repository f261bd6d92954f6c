"""Two municipalities on one installation: each sees only its own rows of the
municipality, catalogue, cases, documents and audit apps."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import models
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AccessLog, AuditEvent, JournalBatch
from beffroi.audit.services import journal_seal
from beffroi.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseTimer,
    Draft,
    Message,
    Note,
    Opinion,
)
from beffroi.cases.opinions import municipalities_with_late_opinions
from beffroi.cases.selectors import municipalities_with_due_timers
from beffroi.catalogue.models import Category, Procedure, ProcedureVersion
from beffroi.core.tenancy import MunicipalityScopeMissing, municipality_scope
from beffroi.demo.loading import load_services
from beffroi.documents.models import IssuedDocument, StoredFile
from beffroi.documents.services import file_store
from beffroi.municipality.models import Membership, Municipality, MunicipalityHost, Service
from beffroi.municipality.services import membership_grant
from beffroi.testing.procedures import FilingTestCase, file_test_case, install_test_procedure

PDF = b"%PDF-1.7\n% une piece de test\n%%EOF\n"

MODELS: list[type[models.Model]] = [
    Service,
    Membership,
    Category,
    Procedure,
    ProcedureVersion,
    Draft,
    Case,
    Attachment,
    Message,
    Note,
    CaseEvent,
    CaseTimer,
    Opinion,
    StoredFile,
    IssuedDocument,
    JournalBatch,
    AuditEvent,
    AccessLog,
]

HOSTS = ["tournai.localhost", "antoing.localhost"]


def _rows_of_a_municipality(*, citizen: Any, agent: Any, content: bytes) -> Case:
    """A case of the test procedure and one row of every other model, in the
    municipality at hand."""
    case = file_test_case(applicant=citizen)
    police = Service.objects.get(code="police")
    stored = file_store(content=content)
    Attachment.objects.create(file=stored, filename="piece.pdf", case=case, field_id="piece")
    Message.objects.create(case=case, direction=Message.Direction.TO_CITIZEN, body="Bonjour")
    Note.objects.create(case=case, author=agent, body="À vérifier")
    CaseTimer.objects.create(
        case=case, status=case.status, kind=CaseTimer.Kind.REMIND, due_at=timezone.now()
    )
    Opinion.objects.create(case=case, service=police, due_date=datetime.date(2030, 1, 1))
    IssuedDocument.objects.create(
        case=case,
        document_id="attestation",
        title="Attestation",
        filename="attestation.pdf",
        file=stored,
        verification_code=f"CODE{case.pk:04d}{content[-6:].hex()}"[:32],
        service=case.service,
        issued_at=timezone.now(),
    )
    AccessLog.objects.create(
        actor=agent, subject=citizen, action="view", object_type="cases.case", object_id=case.pk
    )
    return case


def default_manager(model: type[models.Model]) -> models.Manager[models.Model]:
    manager = model._meta.default_manager
    assert manager is not None
    return manager


@override_settings(ALLOWED_HOSTS=HOSTS)
class MunicipalityScopeTests(FilingTestCase):
    tournai: Municipality
    antoing: Municipality
    tournai_case: Case
    antoing_case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()  # Tournai, the installation's sole city so far
        cls.tournai = Municipality.objects.get()
        cls.tournai_case = _rows_of_a_municipality(
            citizen=cls.citizen, agent=cls.agent, content=PDF
        )
        cls.antoing = Municipality.objects.create(name="Ville d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=cls.tournai, host="tournai.localhost")
        MunicipalityHost.objects.create(municipality=cls.antoing, host="antoing.localhost")
        with municipality_scope(cls.antoing.pk):
            # The same service codes and procedure slugs, Antoing's own.
            load_services()
            install_test_procedure()
            membership_grant(
                actor=None,
                user=cls.agent,
                service=Service.objects.get(code="population"),
                role="agent",
            )
            cls.antoing_case = _rows_of_a_municipality(
                citizen=cls.citizen, agent=cls.agent, content=PDF
            )
        journal_seal()  # one batch per municipality's chain

    def test_the_default_manager_returns_only_the_current_municipalitys_rows(self) -> None:
        for municipality in (self.tournai, self.antoing):
            with municipality_scope(municipality.pk):
                for model in MODELS:
                    ids = set(default_manager(model).values_list("municipality_id", flat=True))
                    assert ids == {municipality.pk}, (model.__name__, municipality.slug, ids)

    def test_the_cooperative_sees_every_municipalitys_rows(self) -> None:
        for model in MODELS:
            manager = model.all_municipalities  # type: ignore[attr-defined]
            ids = set(manager.values_list("municipality_id", flat=True))
            assert {self.tournai.pk, self.antoing.pk} <= ids, model.__name__

    def test_a_query_outside_any_scope_fails_loudly(self) -> None:
        for model in MODELS:
            with pytest.raises(MunicipalityScopeMissing):
                default_manager(model).count()

    def test_each_municipality_numbers_its_cases_from_one(self) -> None:
        year = timezone.localdate().year
        assert self.tournai_case.reference == self.antoing_case.reference == f"{year}-000001"
        assert Case.all_municipalities.filter(reference=f"{year}-000001").count() == 2
        with municipality_scope(self.antoing.pk):
            assert Case.objects.get(reference=f"{year}-000001") == self.antoing_case

    def test_the_same_procedure_slug_and_service_code_exist_in_both(self) -> None:
        assert Procedure.all_municipalities.filter(slug="demande-test").count() == 2
        assert Service.all_municipalities.filter(code="population").count() == 2

    def test_a_tracking_code_is_unknown_on_another_municipalitys_portal(self) -> None:
        url = reverse("portal:tracking_detail", args=[self.tournai_case.tracking_code])
        assert self.client.get(url, HTTP_HOST="tournai.localhost").status_code == 200
        assert self.client.get(url, HTTP_HOST="antoing.localhost").status_code == 404

    def test_a_verification_code_is_unknown_on_another_municipalitys_portal(self) -> None:
        with municipality_scope(self.tournai.pk):
            issued = IssuedDocument.objects.get()
        with municipality_scope(self.antoing.pk):
            assert not IssuedDocument.objects.filter(
                verification_code=issued.verification_code
            ).exists()

    def test_the_same_bytes_are_one_file_per_municipality_under_its_prefix(self) -> None:
        files = StoredFile.all_municipalities.filter(size=len(PDF)).order_by("municipality_id")
        assert [stored.municipality_id for stored in files] == [self.tournai.pk, self.antoing.pk]
        for stored in files:
            assert stored.storage_name.startswith(f"m{stored.municipality_id}/files/")
        with municipality_scope(self.antoing.pk):
            fresh = file_store(content=PDF + b"\n")
        assert fresh.municipality_id == self.antoing.pk
        assert fresh.storage_name.startswith(f"m{self.antoing.pk}/")

    def test_each_municipalitys_events_go_to_its_own_chain(self) -> None:
        for municipality in (self.tournai, self.antoing):
            events = AuditEvent.all_municipalities.filter(municipality_id=municipality.pk)
            assert events.exists()
            assert not events.filter(batch__isnull=True).exists()
            assert not events.exclude(batch__municipality_id=municipality.pk).exists()

    def test_the_timers_job_runs_only_where_a_timer_is_due(self) -> None:
        both = sorted([self.tournai.pk, self.antoing.pk])
        assert municipalities_with_due_timers() == both
        CaseTimer.all_municipalities.filter(municipality=self.tournai).update(
            fired_at=timezone.now()
        )
        assert municipalities_with_due_timers() == [self.antoing.pk]

    def test_the_opinions_job_runs_only_where_an_opinion_is_late(self) -> None:
        assert municipalities_with_late_opinions() == []
        Opinion.all_municipalities.filter(municipality=self.antoing).update(
            due_date=datetime.date(2020, 1, 1)
        )
        assert municipalities_with_late_opinions() == [self.antoing.pk]
