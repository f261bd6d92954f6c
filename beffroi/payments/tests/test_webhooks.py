"""The providers' notifications: signed, read back from the provider, forged ones journaled."""

from __future__ import annotations

from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.payments.contrib.demo.plugin import charge_settle, notification_signature
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import PaymentTestCase, pin_case, start_payment


class WebhookTests(PaymentTestCase):
    url = reverse("payments:webhook", args=["demo"])

    def notify(self, reference: str, signature: str | None = None) -> int:
        response = self.client.post(
            self.url,
            {"id": reference},
            headers={"X-Demo-Signature": signature or notification_signature(reference)},
        )
        return int(response.status_code)

    def test_a_signed_notification_applies_what_the_provider_says(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        assert self.notify(payment.provider_reference) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID

    def test_a_notification_is_not_believed_the_provider_is_asked(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        # Signed, but the payer has not paid: the provider says « open ».
        assert self.notify(payment.provider_reference) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_forged_notification_changes_nothing_and_is_journaled(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        assert self.notify(payment.provider_reference, signature="0" * 64) == 400
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING
        assert AuditEvent.objects.filter(action="payment.notification_refused").count() == 1

    def test_an_unknown_payment_id_is_answered_404_and_journaled(self) -> None:
        assert self.notify("demo_unknown") == 404
        assert AuditEvent.objects.filter(
            action="payment.notification_unknown", object_id="demo_unknown"
        ).exists()

    def test_an_unknown_provider_is_404_and_a_get_is_refused(self) -> None:
        assert self.client.post(reverse("payments:webhook", args=["nobody"])).status_code == 404
        assert self.client.get(self.url).status_code == 405
