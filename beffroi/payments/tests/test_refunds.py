"""Refunds: by the head of the case's service, with a reason, never more than was paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.models import Payment, Refund
from beffroi.payments.services import RefundRefused, payment_refund
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment


class RefundTests(PaymentTestCase):
    def paid(self) -> Payment:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        pay_at_provider(payment)
        payment.refresh_from_db()
        return payment

    def test_the_head_of_service_refunds_in_full_with_a_reason(self) -> None:
        payment = self.paid()
        refund = payment_refund(
            actor=self.supervisor, payment=payment, amount=Decimal("2.00"), reason="Carte expirée"
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REFUNDED
        assert refund.agent == self.supervisor
        assert DemoCharge.objects.get().refunded_cents == 200
        event = AuditEvent.objects.get(action="payment.refunded")
        assert event.data["amount"] == "2.00"

    def test_a_part_is_refunded_then_the_rest(self) -> None:
        payment = self.paid()
        payment_refund(
            actor=self.supervisor, payment=payment, amount=Decimal("0.50"), reason="Geste"
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REFUNDED_PARTIALLY
        assert payment.refundable_amount == Decimal("1.50")
        payment_refund(
            actor=self.supervisor, payment=payment, amount=Decimal("1.50"), reason="Le reste"
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REFUNDED

    def test_a_refund_above_what_was_paid_is_refused_in_french(self) -> None:
        payment = self.paid()
        with pytest.raises(RefundRefused) as refused:
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("2.01"), reason="Trop"
            )
        assert refused.value.message == (
            "Le remboursement ne peut pas dépasser ce qui reste payé (2,00\u00a0€)."
        )
        assert not Refund.objects.exists()

    def test_a_negative_amount_is_refused(self) -> None:
        payment = self.paid()
        with pytest.raises(RefundRefused) as refused:
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("-1"), reason="Moins"
            )
        assert refused.value.message == "Le montant à rembourser doit être supérieur à zéro."

    def test_a_reason_is_needed(self) -> None:
        payment = self.paid()
        with pytest.raises(RefundRefused):
            payment_refund(actor=self.supervisor, payment=payment, amount=Decimal("1"), reason=" ")

    def test_an_agent_who_is_not_head_of_the_service_cannot_refund(self) -> None:
        payment = self.paid()
        for someone in (self.agent, self.other_agent, self.citizen):
            with pytest.raises(RefundRefused):
                payment_refund(actor=someone, payment=payment, amount=Decimal("1"), reason="Non")
        assert not Refund.objects.exists()

    def test_an_unpaid_payment_has_nothing_to_refund(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        with pytest.raises(RefundRefused) as refused:
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("1"), reason="Rien"
            )
        assert "rien à rembourser" in refused.value.message
