"""Mollie's plugin on its SDK, against a local fake of Mollie's API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beffroi.payments.contrib.mollie.tests.fake import FakeMollie
from beffroi.payments.models import Payment
from beffroi.payments.tests import provider_contract

STATUSES = {"paid": "paid", "failed": "failed", "expired": "expired", "cancelled": "canceled"}


class MollieTests(provider_contract.ProviderContract):
    provider_name = "mollie"
    deploy_check_id = "beffroi.E031"
    required_settings = ("MOLLIE_API_KEY",)

    def make_fake(self) -> FakeMollie:
        return FakeMollie()

    def provider_settings(self, fake: FakeMollie) -> dict[str, Any]:
        return {"MOLLIE_API_KEY": "test_fakekey0123456789", "MOLLIE_API_ENDPOINT": fake.url}

    def settle(self, fake: FakeMollie, payment: Payment, outcome: str) -> None:
        fake.settle(payment.provider_reference, STATUSES[outcome])

    def notify(self, fake: FakeMollie, payment: Payment) -> int:
        return fake.notify(self.client, payment.provider_reference)

    def forge(self, fake: FakeMollie, payment: Payment) -> tuple[int, str]:
        # Mollie's notification is only an id: a made-up one is unknown.
        url = reverse("payments:webhook", args=["mollie"])
        status = self.client.post(url, {"id": "tr_madeup42"}).status_code
        return status, "payment.notification_unknown"

    def refund_calls(self, fake: FakeMollie) -> list[Any]:
        return [c for c in fake.calls_to("POST", "/v2/payments/") if c.path.endswith("/refunds")]

    def test_the_payment_is_asked_in_euros_with_bancontact_and_the_idempotency_key(self) -> None:
        payment = self.started()
        call = self.fake.calls_to("POST", "/v2/payments")[0]
        sent = call.json()
        assert sent["amount"] == {"currency": "EUR", "value": "2.00"}
        assert "bancontact" in sent["method"]
        assert sent["webhookUrl"] == "http://testserver/paiements/notification/mollie/"
        assert sent["redirectUrl"].startswith("http://testserver/")
        assert call.headers["idempotency-key"] == str(payment.idempotency_key)
        assert payment.checkout_url == f"{self.fake.url}/checkout/{payment.provider_reference}"

    def test_a_notification_without_a_mollie_id_is_refused_and_journaled(self) -> None:
        url = reverse("payments:webhook", args=["mollie"])
        assert self.client.post(url, {"id": "../../etc"}).status_code == 400
        assert self.client.post(url, {}).status_code == 400
        assert self.fake.calls == []

    def test_a_refund_is_sent_in_euros_with_its_reason(self) -> None:
        self.test_a_refund_in_part_reaches_the_provider()
        sent = self.refund_calls(self.fake)[0].json()
        assert sent == {"amount": {"currency": "EUR", "value": "0.50"}, "description": "Geste"}
