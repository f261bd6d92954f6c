"""Stripe's plugin on its SDK, against a local fake of Stripe's API."""

from __future__ import annotations

import json
import time
from typing import Any

from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.payments.contrib.stripe.tests.fake import FakeStripe, signature_header
from beffroi.payments.models import Payment
from beffroi.payments.tests import provider_contract

SECRET = "whsec_test_fake0123456789"
URL = reverse("payments:webhook", args=["stripe"])
# The event each outcome sends.
EVENTS = {
    "paid": "checkout.session.completed",
    "failed": "checkout.session.async_payment_failed",
    "cancelled": "checkout.session.async_payment_failed",
    "expired": "checkout.session.expired",
}


class StripeTests(provider_contract.ProviderContract):
    provider_name = "stripe"
    deploy_check_id = "beffroi.E032"
    required_settings = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")

    def make_fake(self) -> FakeStripe:
        return FakeStripe(SECRET)

    def provider_settings(self, fake: FakeStripe) -> dict[str, Any]:
        return {
            "STRIPE_SECRET_KEY": "sk_test_fake0123456789",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "STRIPE_API_BASE": fake.url,
        }

    def settle(self, fake: FakeStripe, payment: Payment, outcome: str) -> None:
        fake.settle(payment.provider_reference, outcome)
        self.last_event = EVENTS[outcome]

    def notify(self, fake: FakeStripe, payment: Payment) -> int:
        kind = getattr(self, "last_event", "checkout.session.completed")
        return fake.notify(self.client, URL, fake.event(payment.provider_reference, kind))

    def forge(self, fake: FakeStripe, payment: Payment) -> tuple[int, str]:
        # A well-formed event, signed with a secret that is not the endpoint's.
        payload = fake.event(payment.provider_reference)
        return fake.notify(self.client, URL, payload, "whsec_guessed"), (
            "payment.notification_refused"
        )

    def refund_calls(self, fake: FakeStripe) -> list[Any]:
        return fake.calls_to("POST", "/v1/refunds")

    def test_the_session_is_asked_in_cents_with_bancontact_and_the_idempotency_key(self) -> None:
        payment = self.started()
        call = self.fake.calls_to("POST", "/v1/checkout/sessions")[0]
        session = self.fake.sessions[payment.provider_reference]
        assert session["amount_total"] == 200
        assert session["currency"] == "eur"
        assert "bancontact" in session["payment_method_types"]
        assert session["success_url"].startswith("http://testserver/")
        assert call.headers["idempotency-key"] == str(payment.idempotency_key)
        assert payment.checkout_url == session["url"]

    def test_an_unsigned_or_stale_event_is_refused_and_journaled(self) -> None:
        payment = self.started()
        self.fake.settle(payment.provider_reference, "paid")
        payload = self.fake.event(payment.provider_reference)
        unsigned = self.client.post(URL, payload, content_type="application/json")
        stale = self.client.post(
            URL,
            payload,
            content_type="application/json",
            headers={
                "Stripe-Signature": signature_header(payload, SECRET, int(time.time()) - 3600)
            },
        )
        assert (unsigned.status_code, stale.status_code) == (400, 400)
        assert AuditEvent.objects.filter(action="payment.notification_refused").count() == 2
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_signed_event_about_something_else_is_acknowledged_and_ignored(self) -> None:
        payload = json.dumps(
            {
                "id": "evt_1",
                "object": "event",
                "type": "customer.created",
                "data": {"object": {"id": "cus_1", "object": "customer"}},
            }
        )
        assert self.fake.notify(self.client, URL, payload) == 200
        assert not AuditEvent.objects.filter(action__startswith="payment.notification").exists()
        assert self.fake.calls == []

    def test_a_refund_is_sent_in_cents_on_the_payment_intent(self) -> None:
        self.test_a_refund_in_part_reaches_the_provider()
        sent = self.refund_calls(self.fake)[0].body.decode()
        assert "amount=50" in sent
        assert "payment_intent=pi_" in sent
