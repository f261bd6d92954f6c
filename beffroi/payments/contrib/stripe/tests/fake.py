"""A fake of the part of Stripe's API the plugin uses (Checkout Sessions,
refunds), and of its notifications: events signed with the endpoint's secret
(``Stripe-Signature: t=…,v1=…``) posted to the endpoint's URL."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from django.test import Client

from beffroi.payments.tests.fake_server import Answer, Call, FakeProviderServer

SESSION = re.compile(r"^/v1/checkout/sessions/(cs_\w+)$")
# How a payer's outcome leaves the session and its payment intent.
OUTCOMES = {
    "paid": ("complete", "paid", "succeeded"),
    "failed": ("complete", "unpaid", "requires_payment_method"),
    "cancelled": ("complete", "unpaid", "canceled"),
    "expired": ("expired", "unpaid", None),
}


def stripe_error(status: int, message: str) -> Answer:
    kind = "invalid_request_error" if status < 500 else "api_error"
    return Answer(status, {"error": {"type": kind, "message": message}})


def form(call: Call) -> dict[str, str]:
    """Stripe's form encoding, flat: ``line_items[0][price_data][unit_amount]``."""
    text = call.body.decode() if call.method == "POST" else call.query
    return {key: values[0] for key, values in parse_qs(text).items()}


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


class FakeStripe(FakeProviderServer):
    def __init__(self, webhook_secret: str) -> None:
        super().__init__()
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}

    def error_body(self, status: int) -> Any:
        return {"error": {"type": "api_error", "message": "Fake failure"}}

    def answer(self, call: Call) -> Answer:
        if not call.headers.get("authorization", "").startswith("Bearer sk_test_"):
            return stripe_error(401, "Invalid API Key provided")
        if call.method == "POST" and call.path == "/v1/checkout/sessions":
            return self.create(call)
        if call.method == "GET" and (match := SESSION.match(call.path)):
            session = self.sessions.get(match[1])
            if session is None:
                return stripe_error(404, f"No such checkout.session: '{match[1]}'")
            return Answer(200, self.expanded(session, form(call)))
        if call.method == "POST" and call.path == "/v1/refunds":
            return self.refund(form(call))
        return stripe_error(404, "Unrecognized request URL")

    def create(self, call: Call) -> Answer:
        key = call.headers.get("idempotency-key", "")
        if key in self.by_key:
            return Answer(200, self.sessions[self.by_key[key]])
        data = form(call)
        reference = f"cs_test_{secrets.token_hex(6)}"
        self.sessions[reference] = {
            "id": reference,
            "object": "checkout.session",
            "status": "open",
            "payment_status": "unpaid",
            "mode": data["mode"],
            "amount_total": int(data["line_items[0][price_data][unit_amount]"]),
            "currency": data["line_items[0][price_data][currency]"],
            "payment_method_types": [
                v for k, v in data.items() if k.startswith("allowed_payment_method_types")
            ],
            "success_url": data["success_url"],
            "client_reference_id": data.get("client_reference_id"),
            "payment_intent": None,
            "url": f"{self.url}/c/pay/{reference}",
        }
        self.by_key[key] = reference
        return Answer(200, self.sessions[reference])

    def expanded(self, session: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        answer = copy.deepcopy(session)
        if query.get("expand[0]") == "payment_intent" and session["payment_intent"]:
            answer["payment_intent"] = self.intents[session["payment_intent"]]
        return answer

    def refund(self, data: dict[str, str]) -> Answer:
        intent = self.intents.get(data.get("payment_intent", ""))
        if intent is None:
            return stripe_error(404, "No such payment_intent")
        amount = int(data["amount"])
        if intent["status"] != "succeeded" or amount > intent["amount"] - intent["refunded"]:
            return stripe_error(400, "Refund amount is greater than unrefunded amount on charge")
        intent["refunded"] += amount
        refund = {"id": f"re_{secrets.token_hex(6)}", "object": "refund", "amount": amount}
        return Answer(
            200,
            {**refund, "status": "succeeded", "metadata": {"reason": data.get("metadata[reason]")}},
        )

    # --- What the payer does on Stripe's page, and Stripe's events ---

    def settle(self, reference: str, outcome: str) -> None:
        status, payment_status, intent_status = OUTCOMES[outcome]
        with self.lock:
            session = self.sessions[reference]
            session.update(status=status, payment_status=payment_status)
            if intent_status:
                intent_id = session["payment_intent"] or f"pi_{secrets.token_hex(6)}"
                self.intents[intent_id] = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "status": intent_status,
                    "amount": session["amount_total"],
                    "refunded": 0,
                }
                session["payment_intent"] = intent_id

    def event(self, reference: str, kind: str = "checkout.session.completed") -> str:
        return json.dumps(
            {
                "id": f"evt_{secrets.token_hex(6)}",
                "object": "event",
                "type": kind,
                "created": int(time.time()),
                "livemode": False,
                "data": {"object": self.sessions[reference]},
            }
        )

    def notify(self, client: Client, url: str, payload: str, secret: str | None = None) -> int:
        """Stripe posts the event to the endpoint, signed with its secret."""
        header = signature_header(payload, secret or self.webhook_secret)
        response = client.post(
            url, payload, content_type="application/json", headers={"Stripe-Signature": header}
        )
        return int(response.status_code)
