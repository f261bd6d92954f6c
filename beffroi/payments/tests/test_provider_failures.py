"""A provider that fails or times out: a clear French message, nothing kept
half done, never a server error."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.http import HttpRequest
from django.test import override_settings
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments import base
from beffroi.payments.models import Payment
from beffroi.payments.registry import provider_register
from beffroi.payments.services import PaymentRefused, payment_refresh
from beffroi.payments.tests.helpers import (
    PaymentTestCase,
    pay_at_provider,
    pin_case,
    pin_draft,
    start_payment,
)

UNREACHABLE = "Le prestataire de paiement ne répond pas. Réessayez dans quelques minutes."


class UnreachableProvider(base.PaymentProvider):
    """A provider whose every call times out."""

    name = "unreachable"
    label = "Prestataire injoignable"

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        raise base.ProviderError(UNREACHABLE)

    def fetch_status(self, reference: str) -> str:
        raise base.ProviderError(UNREACHABLE)

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        raise base.ProviderError(UNREACHABLE)

    def webhook_reference(self, request: HttpRequest) -> str:
        return str(request.POST.get("id", ""))


provider_register(UnreachableProvider())


class ProviderFailureTests(PaymentTestCase):
    @override_settings(PAYMENT_PROVIDER="unreachable")
    def test_an_unreachable_provider_keeps_the_case_and_says_so(self) -> None:
        self.client.force_login(self.citizen)
        draft = pin_draft(self.citizen)
        response = self.client.post(
            reverse("portal:draft_check", args=[draft.pk]), {"payment_key": str(uuid.uuid4())}
        )
        case = Case.objects.get()
        assert response["Location"] == reverse("portal:confirmation", args=[case.tracking_code])
        page = self.client.get(response["Location"])
        self.assertContains(page, UNREACHABLE)
        self.assertContains(page, "En attente de paiement")
        assert not Payment.objects.exists()  # nothing half opened
        assert case.status == "awaiting_payment"

    def test_a_provider_silent_on_reconciliation_changes_nothing(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        Payment.objects.filter(pk=payment.pk).update(provider="unreachable")
        payment.refresh_from_db()
        assert not payment_refresh(payment=payment, source="reconciliation")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_notification_the_provider_cannot_confirm_is_answered_502(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        Payment.objects.filter(pk=payment.pk).update(provider="unreachable")
        response = self.client.post(
            reverse("payments:webhook", args=["unreachable"]), {"id": payment.provider_reference}
        )
        assert response.status_code == 502

    def test_a_payment_made_after_the_case_was_cancelled_is_kept_for_a_refund(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        case_transition(actor=None, case=case, transition_id="cancel_unpaid")
        pay_at_provider(payment)
        payment.refresh_from_db()
        case.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert case.status == "cancelled"
        assert AuditEvent.objects.filter(action="payment.paid_after_case_moved_on").exists()
        assert OutgoingEmail.objects.filter(body_text__contains="remboursez-le").exists()

    @override_settings(PAYMENT_PROVIDER="mistyped")
    def test_a_mistyped_provider_setting_is_a_message_not_a_server_error(self) -> None:
        with pytest.raises(base.ProviderError) as error:
            start_payment(pin_case(self.citizen), self.citizen)
        assert error.value.message == "Le paiement en ligne n'est pas disponible pour le moment."

    def test_a_closed_case_cannot_be_paid(self) -> None:
        case = pin_case(self.citizen)
        case_transition(actor=None, case=case, transition_id="cancel_unpaid")
        with pytest.raises(PaymentRefused, match="clôturée"):
            start_payment(case, self.citizen)
