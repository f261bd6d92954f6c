"""Worldline's plugin on its SDK, against a local fake of Worldline's API."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.payments.contrib.worldline.tests.fake import FakeWorldline
from beffroi.payments.models import Payment
from beffroi.payments.tasks import reconcile_open_payments
from beffroi.payments.tests import provider_contract

MERCHANT = "beffroitest"
KEY_ID = "fake-webhooks-key"
SECRET = "fake-webhooks-secret-0123456789"


class WorldlineTests(provider_contract.ProviderContract):
    provider_name = "worldline"
    deploy_check_id = "beffroi.E033"
    required_settings = (
        "WORLDLINE_API_ENDPOINT",
        "WORLDLINE_API_KEY_ID",
        "WORLDLINE_WEBHOOK_SECRET",
    )

    def make_fake(self) -> FakeWorldline:
        return FakeWorldline(MERCHANT, KEY_ID, SECRET)

    def provider_settings(self, fake: FakeWorldline) -> dict[str, Any]:
        return {
            "WORLDLINE_API_ENDPOINT": fake.url,
            "WORLDLINE_MERCHANT_ID": MERCHANT,
            "WORLDLINE_API_KEY_ID": "fake-key-id",
            "WORLDLINE_API_SECRET": "fake-api-secret",
            "WORLDLINE_WEBHOOK_KEY_ID": KEY_ID,
            "WORLDLINE_WEBHOOK_SECRET": SECRET,
        }

    def settle(self, fake: FakeWorldline, payment: Payment, outcome: str) -> None:
        fake.settle(payment.provider_reference, outcome)

    def notify(self, fake: FakeWorldline, payment: Payment) -> int:
        return fake.notify(self.client, payment.provider_reference)

    def forge(self, fake: FakeWorldline, payment: Payment) -> tuple[int, str]:
        status = fake.notify(self.client, payment.provider_reference, secret="guessed")
        return status, "payment.notification_refused"

    def refund_calls(self, fake: FakeWorldline) -> list[Any]:
        return fake.calls_to("POST", f"/v2/{MERCHANT}/payments/")

    def test_the_checkout_is_asked_in_cents_with_bancontact_and_the_idempotency_key(self) -> None:
        payment = self.started()
        call = self.fake.calls_to("POST", f"/v2/{MERCHANT}/hostedcheckouts")[0]
        sent = self.fake.sent(payment.provider_reference)
        assert sent["order"]["amountOfMoney"] == {"amount": 200, "currencyCode": "EUR"}
        assert (
            3012
            in sent["hostedCheckoutSpecificInput"]["paymentProductFilters"]["restrictTo"][
                "products"
            ]
        )
        assert sent["cardPaymentMethodSpecificInput"]["authorizationMode"] == "SALE"
        assert sent["feedbacks"]["webhooksUrls"] == [
            "http://testserver/paiements/notification/worldline/"
        ]
        assert sent["hostedCheckoutSpecificInput"]["returnUrl"].startswith("http://testserver/")
        assert call.headers["x-gcs-idempotence-key"] == str(payment.idempotency_key)
        assert payment.checkout_url.endswith(f"/hostedcheckout/{payment.provider_reference}")

    def test_an_event_signed_with_an_unknown_key_is_refused_and_journaled(self) -> None:
        payment = self.started()
        self.fake.settle(payment.provider_reference, "paid")
        self.fake.key_id = "another-key"
        assert self.fake.notify(self.client, payment.provider_reference) == 400
        assert AuditEvent.objects.filter(action="payment.notification_refused").count() == 1
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_checkout_worldline_forgot_is_expired_by_the_reconciliation_job(self) -> None:
        payment = self.started()
        Payment.objects.filter(pk=payment.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=4)
        )
        self.fake.settle(payment.provider_reference, "expired")
        reconcile_open_payments.call()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.EXPIRED

    def test_a_signed_refund_event_is_acknowledged_and_ignored(self) -> None:
        self.started()
        body = json.dumps(
            {
                "apiVersion": "v1",
                "id": "evt1",
                "created": "2026-12-04T12:00:00Z",
                "merchantId": MERCHANT,
                "type": "refund.refund_requested",
                "refund": {"id": "123_1", "status": "REFUND_REQUESTED"},
            }
        )
        assert self.fake.notify(self.client, "", body=body) == 200
        assert not AuditEvent.objects.filter(action__startswith="payment.notification").exists()

    def test_a_refund_is_sent_in_cents_on_the_payment(self) -> None:
        self.test_a_refund_in_part_reaches_the_provider()
        call = self.refund_calls(self.fake)[0]
        assert call.json() == {"amountOfMoney": {"amount": 50, "currencyCode": "EUR"}}
        assert call.path.endswith("_0/refund")
