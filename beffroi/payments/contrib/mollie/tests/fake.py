"""A fake of the part of Mollie's API the plugin uses (v2: payments, refunds),
and of its notification: a form-encoded ``id=`` posted to the webhook URL."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from beffroi.payments.tests.fake_server import Answer, Call, FakeProviderServer

HAL = "application/hal+json"
# Mollie's HAL links: a field of its JSON, not a private name of a library.
LINKS = "_links"
PAYMENT = re.compile(r"^/v2/payments/(tr_\w+)$")
REFUNDS = re.compile(r"^/v2/payments/(tr_\w+)/refunds$")


def mollie_error(status: int, detail: str) -> Answer:
    return Answer(status, {"status": status, "title": "Error", "detail": detail}, HAL)


class FakeMollie(FakeProviderServer):
    def __init__(self) -> None:
        super().__init__()
        self.payments: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}

    def error_body(self, status: int) -> Any:
        return {"status": status, "title": "Internal Server Error", "detail": "Fake failure"}

    def answer(self, call: Call) -> Answer:
        if not call.headers.get("authorization", "").startswith("Bearer test_"):
            return mollie_error(401, "Missing authentication")
        if call.method == "POST" and call.path == "/v2/payments":
            return self.create(call)
        if call.method == "GET" and (match := PAYMENT.match(call.path)):
            payment = self.payments.get(match[1])
            if payment is None:
                return mollie_error(404, f"No payment exists with token {match[1]}.")
            return Answer(200, payment, HAL)
        if call.method == "POST" and (match := REFUNDS.match(call.path)):
            return self.refund(match[1], call.json())
        return mollie_error(404, "Unknown route")

    def create(self, call: Call) -> Answer:
        key = call.headers.get("idempotency-key", "")
        if key in self.by_key:
            return Answer(201, self.payments[self.by_key[key]], HAL)
        data = call.json()
        reference = f"tr_{secrets.token_hex(5)}"
        self.payments[reference] = {
            "resource": "payment",
            "id": reference,
            "status": "open",
            "amount": data["amount"],
            "amountRefunded": {"currency": "EUR", "value": "0.00"},
            "description": data["description"],
            "redirectUrl": data["redirectUrl"],
            "webhookUrl": data["webhookUrl"],
            "method": data.get("method"),
            "metadata": data.get("metadata"),
            LINKS: {"checkout": {"href": f"{self.url}/checkout/{reference}"}},
        }
        self.by_key[key] = reference
        return Answer(201, self.payments[reference], HAL)

    def refund(self, reference: str, data: dict[str, Any]) -> Answer:
        payment = self.payments.get(reference)
        if payment is None:
            return mollie_error(404, f"No payment exists with token {reference}.")
        wanted = Decimal(data["amount"]["value"])
        left = Decimal(payment["amount"]["value"]) - Decimal(payment["amountRefunded"]["value"])
        if payment["status"] != "paid" or wanted > left:
            return mollie_error(422, "The amount is higher than the amount remaining")
        payment["amountRefunded"]["value"] = str(
            Decimal(payment["amountRefunded"]["value"]) + wanted
        )
        refund_id = f"re_{secrets.token_hex(5)}"
        return Answer(
            201,
            {"resource": "refund", "id": refund_id, "amount": data["amount"], "status": "pending"},
            HAL,
        )

    # --- What the payer does on Mollie's page, and Mollie's notification ---

    def settle(self, reference: str, status: str = "paid") -> None:
        with self.lock:
            self.payments[reference]["status"] = status

    def notify(self, client: Client, reference: str, webhook_url: str | None = None) -> int:
        """Mollie posts ``id=…`` to the payment's webhook URL (no signature)."""
        url = webhook_url or self.payments[reference]["webhookUrl"]
        response = client.post(urlsplit(url).path, {"id": reference})
        return int(response.status_code)
