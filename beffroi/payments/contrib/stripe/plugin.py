"""Stripe, on its official SDK (stripe), through Checkout Sessions.

A payment is a Checkout Session (its id, ``cs_…``, is the reference). Its
notifications are events signed with the endpoint's secret, checked by the
SDK's own webhook verification; only the session's id is taken from them,
its status is then fetched.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beffroi.payments import base
from beffroi.payments.registry import provider_register

logger = logging.getLogger(__name__)

# A session whose payment did not go through: what its payment intent says.
INTENT_STATUSES = {"canceled": base.CANCELLED, "requires_payment_method": base.FAILED}
# Events whose object is a Checkout Session: the only ones Beffroi reads.
SESSION_OBJECT = "checkout.session"


def provider_error(error: stripe.StripeError, what: str) -> base.ProviderError:
    logger.warning("Stripe %s failed: %s", what, error)
    if isinstance(error, stripe.APIConnectionError):  # not reached, or no answer in time
        return base.provider_unreachable()
    if isinstance(error, stripe.InvalidRequestError) and error.http_status == 404:
        return base.provider_unknown_payment()
    return base.provider_failed()


def session_status(session: Any) -> str:
    """A Checkout Session's state in Beffroi's words."""
    if session.status == "expired":
        return base.EXPIRED
    if session.status == "complete" and session.payment_status in ("paid", "no_payment_required"):
        return base.PAID
    intent = session.payment_intent
    if session.status == "complete" and intent is not None and not isinstance(intent, str):
        # Completed but unpaid: a delayed method, refused later or still on its way.
        return INTENT_STATUSES.get(str(intent.status), base.OPEN)
    return base.OPEN


class StripeProvider(base.PaymentProvider):
    name = "stripe"
    label = "Stripe"

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            base.provider_setting("STRIPE_SECRET_KEY"),
            # Stripe's own unless set (tests point it at a local fake).
            base_addresses={"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None,
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.PAYMENT_PROVIDER_TIMEOUT),
        )

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        try:
            session = self.client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "line_items": [
                        {
                            "price_data": {
                                "currency": "eur",
                                "unit_amount": base.cents(request.amount),
                                "product_data": {"name": request.description[:250]},
                            },
                            "quantity": 1,
                        }
                    ],
                    # Offered among the methods enabled on the account: Bancontact, cards.
                    "allowed_payment_method_types": list(settings.STRIPE_PAYMENT_METHOD_TYPES),
                    "success_url": request.return_url,
                    "cancel_url": request.return_url,
                    "client_reference_id": str(request.idempotency_key),
                    "locale": "fr",
                },
                options={"idempotency_key": str(request.idempotency_key)},
            )
        except stripe.StripeError as error:
            raise provider_error(error, "create session") from error
        return base.Checkout(reference=session.id, url=session.url or "")

    def fetch_status(self, reference: str) -> str:
        try:
            session = self.client().v1.checkout.sessions.retrieve(
                reference, params={"expand": ["payment_intent"]}
            )
        except stripe.StripeError as error:
            raise provider_error(error, "retrieve session") from error
        return session_status(session)

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        client = self.client()
        try:
            session = client.v1.checkout.sessions.retrieve(reference)
            intent = session.payment_intent
            if not intent:
                raise base.ProviderError(_("Le prestataire refuse : ce paiement n'a pas été reçu."))
            refund = client.v1.refunds.create(
                params={
                    "payment_intent": intent if isinstance(intent, str) else intent.id,
                    "amount": base.cents(amount),
                    "metadata": {"reason": reason[:500]},
                },
                options={"idempotency_key": str(uuid.uuid4())},
            )
        except stripe.StripeError as error:
            raise provider_error(error, "refund") from error
        return refund.id

    def webhook_reference(self, request: HttpRequest) -> str:
        try:
            event = self.client().construct_event(
                request.body,
                request.headers.get("Stripe-Signature"),
                base.provider_setting("STRIPE_WEBHOOK_SECRET"),
            )
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise base.WebhookRefused from error
        session = event.data.object.to_dict()
        if session.get("object") != SESSION_OBJECT or not session.get("id"):
            raise base.WebhookIgnored  # signed, but not about a payment of Beffroi's
        return str(session["id"])


provider_register(StripeProvider())


@register(Tags.security, deploy=True)
def stripe_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return base.missing_settings_errors(
        "stripe", ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"), "beffroi.E032"
    )
