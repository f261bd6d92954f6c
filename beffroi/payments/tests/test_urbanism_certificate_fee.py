"""The CU1 (certificat d'urbanisme n° 1) costs 50 €, paid at filing: the request
waits for it, its acknowledgement of receipt is issued once paid, not before."""

from __future__ import annotations

import uuid

import pytest

from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case
from beffroi.documents.models import IssuedDocument
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.selectors import case_filing_fee, filing_fee_unpaid
from beffroi.payments.services import payment_start
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider

CU1 = "certificat-urbanisme-1"


def cu1_case(applicant: object) -> Case:
    return file_sample_case(procedure=Procedure.objects.get(slug=CU1), applicant=applicant)


class UrbanismCertificateFeeTests(PaymentTestCase):
    def test_a_cu1_waits_for_its_50_euros_without_a_receipt(self) -> None:
        case = cu1_case(self.citizen)
        assert case.status == "awaiting_payment"
        fee = filing_fee_unpaid(case)
        assert fee is not None
        assert str(fee.amount) == "50.00"
        assert not IssuedDocument.objects.filter(case=case).exists()
        assert OutgoingEmail.objects.filter(
            subject=f"Votre demande {case.reference} attend son paiement"
        ).exists()
        timer = case.timers.get(status="awaiting_payment")
        assert timer.transition == "cancel_unpaid"

    def test_the_service_cannot_take_it_before_it_is_paid(self) -> None:
        case = cu1_case(self.citizen)
        with pytest.raises(TransitionRefused) as refused:
            case_transition(actor=self.agent, case=case, transition_id="payment_received")
        assert refused.value.message == "Le droit de dossier n'est pas encore payé."

    def test_once_paid_it_is_received_and_acknowledged(self) -> None:
        case = cu1_case(self.citizen)
        quote = case_filing_fee(case)
        assert quote is not None
        payment = payment_start(
            actor=self.citizen,
            case=case,
            amount=quote.amount,
            reason=case.procedure.title,
            idempotency_key=uuid.uuid4(),
        )
        pay_at_provider(payment)
        case.refresh_from_db()
        assert case.status == "submitted"
        assert IssuedDocument.objects.filter(case=case, document_id="receipt").exists()
