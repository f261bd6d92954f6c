"""The receipt of a payment: a PDF in the city's letterhead, issued once."""

from __future__ import annotations

import pytest

from beffroi.documents.models import IssuedDocument
from beffroi.payments.services import PaymentRefused, payment_receipt_issue
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment


class ReceiptTests(PaymentTestCase):
    def test_a_paid_payment_has_one_receipt_however_often_it_is_asked_for(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        pay_at_provider(payment)
        first = payment_receipt_issue(payment=payment)
        again = payment_receipt_issue(payment=payment)
        assert first.pk == again.pk
        assert IssuedDocument.objects.filter(document_id="payment_receipt").count() == 1
        assert first.file.kind == "pdf"
        assert first.title == "Reçu de paiement"

    def test_an_unpaid_payment_has_no_receipt(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        with pytest.raises(PaymentRefused):
            payment_receipt_issue(payment=payment)
