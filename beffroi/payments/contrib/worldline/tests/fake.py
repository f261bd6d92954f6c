"""A fake of the part of Worldline's API the plugin uses (hosted checkouts,
refunds), and of its notifications: JSON events signed with the webhooks
key (``X-GCS-Signature``, ``X-GCS-KeyId``) posted to the feedback URL."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from beffroi.payments.tests.fake_server import Answer, Call, FakeProviderServer

CHECKOUT = re.compile(r"^/v2/(\w+)/hostedcheckouts/(\w+)$")
CHECKOUTS = re.compile(r"^/v2/(\w+)/hostedcheckouts$")
REFUND = re.compile(r"^/v2/(\w+)/payments/(\w+)/refund$")
# How a payer's outcome leaves the hosted checkout and its payment.
OUTCOMES = {
    "paid": ("PAYMENT_CREATED", "CAPTURED", "COMPLETED"),
    "failed": ("PAYMENT_CREATED", "REJECTED", "UNSUCCESSFUL"),
    "cancelled": ("CANCELLED_BY_CONSUMER", None, None),
}


def worldline_error(status: int, message: str) -> Answer:
    error = {"errorCode": "9999", "httpStatusCode": status, "id": "FAKE", "message": message}
    return Answer(status, {"errorId": secrets.token_hex(8), "errors": [error]})


def signature(body: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeWorldline(FakeProviderServer):
    def __init__(self, merchant_id: str, key_id: str, secret: str) -> None:
        super().__init__()
        self.merchant_id, self.key_id, self.secret = merchant_id, key_id, secret
        self.checkouts: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}

    def error_body(self, status: int) -> Any:
        return worldline_error(status, "Fake failure").body

    def answer(self, call: Call) -> Answer:
        if not call.headers.get("authorization", "").startswith("GCS v1HMAC:fake-key-id:"):
            return worldline_error(401, "Authorization failed")
        if call.method == "POST" and (match := CHECKOUTS.match(call.path)):
            return self.create(call)
        if call.method == "GET" and (match := CHECKOUT.match(call.path)):
            checkout = self.checkouts.get(match[2])
            if checkout is None:
                return worldline_error(404, "Hosted checkout not found")
            return Answer(200, {k: v for k, v in checkout.items() if not k.startswith("sent")})
        if call.method == "POST" and (match := REFUND.match(call.path)):
            return self.refund(match[2], call.json())
        return worldline_error(404, "Unknown resource")

    def create(self, call: Call) -> Answer:
        key = call.headers.get("x-gcs-idempotence-key", "")
        if key in self.by_key:
            return Answer(201, self.by_key[key])
        reference = secrets.token_hex(8)
        self.checkouts[reference] = {"status": "IN_PROGRESS", "sent": call.json()}
        created = {
            "hostedCheckoutId": reference,
            "RETURNMAC": secrets.token_hex(8),
            "redirectUrl": f"{self.url}/hostedcheckout/{reference}",
            "merchantReference": call.json()["order"]["references"]["merchantReference"],
        }
        self.by_key[key] = created
        return Answer(201, created)

    def refund(self, payment_id: str, data: dict[str, Any]) -> Answer:
        payment = next(
            (
                c["createdPaymentOutput"]["payment"]
                for c in self.checkouts.values()
                if c.get("createdPaymentOutput", {}).get("payment", {}).get("id") == payment_id
            ),
            None,
        )
        if payment is None:
            return worldline_error(404, "Payment not found")
        amount = data["amountOfMoney"]["amount"]
        left = payment["paymentOutput"]["amountOfMoney"]["amount"] - payment["refunded"]
        if payment["status"] != "CAPTURED" or amount > left:
            return worldline_error(400, "Refund amount too high")
        payment["refunded"] += amount
        refund = {
            "id": f"{payment_id[:-1]}{secrets.randbelow(9) + 1}",
            "status": "REFUND_REQUESTED",
        }
        return Answer(201, {**refund, "refundOutput": {"amountOfMoney": data["amountOfMoney"]}})

    # --- What the payer does on Worldline's page, and Worldline's events ---

    def sent(self, reference: str) -> dict[str, Any]:
        return dict(self.checkouts[reference]["sent"])

    def settle(self, reference: str, outcome: str) -> None:
        with self.lock:
            if outcome == "expired":  # Worldline forgets a timed-out session
                self.checkouts.pop(reference)
                return
            checkout = self.checkouts[reference]
            status, payment_status, category = OUTCOMES[outcome]
            checkout["status"] = status
            if payment_status:
                checkout["createdPaymentOutput"] = {
                    "payment": self.payment(reference, payment_status, category),
                    "paymentStatusCategory": "SUCCESSFUL" if category == "COMPLETED" else category,
                }

    def payment(self, reference: str, status: str, category: str | None) -> dict[str, Any]:
        money = self.checkouts[reference]["sent"]["order"]["amountOfMoney"]
        return {
            "id": f"{reference}_0",
            "status": status,
            "statusOutput": {"statusCategory": category},
            "paymentOutput": {"amountOfMoney": money},
            "hostedCheckoutSpecificOutput": {"hostedCheckoutId": reference},
            "refunded": 0,
        }

    def event(self, reference: str) -> str:
        output = self.checkouts.get(reference, {}).get("createdPaymentOutput")
        payment = (
            copy.deepcopy(output["payment"])
            if output
            else (self.payment(reference, "CREATED", "CREATED"))
        )
        payment.pop("refunded")
        kind = f"payment.{payment['status'].lower()}"
        event = {
            "apiVersion": "v1",
            "id": secrets.token_hex(8),
            "created": "2026-12-04T12:00:00Z",
            "merchantId": self.merchant_id,
            "type": kind,
            "payment": payment,
        }
        return json.dumps(event)

    def notify(
        self, client: Client, reference: str, body: str | None = None, secret: str | None = None
    ) -> int:
        """Worldline posts the event to the feedback URL, signed with the webhooks key."""
        body = body or self.event(reference)
        url = self.checkouts_sent_url(reference)
        headers = {
            "X-GCS-Signature": signature(body, secret or self.secret),
            "X-GCS-KeyId": self.key_id,
        }
        response = client.post(url, body, content_type="application/json", headers=headers)
        return int(response.status_code)

    def checkouts_sent_url(self, reference: str) -> str:
        for call in self.calls_to("POST", f"/v2/{self.merchant_id}/hostedcheckouts"):
            body = call.json()
            if body:
                return str(urlsplit(body["feedbacks"]["webhooksUrls"][0]).path)
        raise LookupError(reference)
