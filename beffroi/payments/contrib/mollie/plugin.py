"""Mollie, on its official SDK (mollie-api-python).

Mollie's notification carries only the payment's id (``id=tr_…``, form
encoded) and no signature: Beffroi always fetches the payment by that id
with its API key, so a forged id can only make Beffroi read a payment again.
"""

from __future__ import annotations

import logging
import re
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mollie.api.client import Client
from mollie.api.error import (
    Error,
    NotFoundError,
    RequestError,
    RequestSetupError,
    UnprocessableEntityError,
)

from beffroi.payments import base
from beffroi.payments.registry import provider_register

logger = logging.getLogger(__name__)

# Mollie's statuses in Beffroi's words. A refunded payment stays « paid » at
# Mollie (Beffroi keeps its refunds itself).
STATUSES = {
    "open": base.OPEN,
    "pending": base.OPEN,
    "authorized": base.OPEN,
    "paid": base.PAID,
    "failed": base.FAILED,
    "expired": base.EXPIRED,
    "canceled": base.CANCELLED,
}
PAYMENT_ID = re.compile(r"^tr_[A-Za-z0-9]{1,60}$")


def mollie_amount(cents: int) -> dict[str, str]:
    """Mollie's amount: a string with exactly two decimals, and its currency."""
    return {"currency": "EUR", "value": f"{cents // 100}.{cents % 100:02d}"}


def provider_error(error: Error, what: str) -> base.ProviderError:
    logger.warning("Mollie %s failed: %s", what, error)
    if isinstance(error, RequestSetupError):  # a key Mollie's SDK refuses: the operator's
        logger.error("Mollie is not configured: %s (MOLLIE_API_KEY)", error)
        return base.provider_failed()
    if isinstance(error, NotFoundError):
        return base.provider_unknown_payment()
    if isinstance(error, RequestError):  # not reached, or no answer in time
        return base.provider_unreachable()
    return base.provider_failed()


class MollieProvider(base.PaymentProvider):
    name = "mollie"
    label = "Mollie"

    def client(self) -> Client:
        client = Client(
            api_endpoint=settings.MOLLIE_API_ENDPOINT,
            timeout=settings.PAYMENT_PROVIDER_TIMEOUT,
            # A connection refused is tried once more (nothing was sent);
            # the payer does not wait for more.
            retry=1,
        )
        client.set_user_agent_component("Beffroi", "1")
        client.set_api_key(base.provider_setting("MOLLIE_API_KEY"))
        return client

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        data = {
            "amount": mollie_amount(base.cents(request.amount)),
            "description": request.description[:255],
            "redirectUrl": request.return_url,
            "webhookUrl": request.webhook_url,
            "method": list(settings.MOLLIE_METHODS),
            "locale": "fr_BE",
            "metadata": {"beffroi_payment": str(request.idempotency_key)},
        }
        try:
            payment: Any = self.client().payments.create(
                data, idempotency_key=str(request.idempotency_key)
            )
        except Error as error:
            raise provider_error(error, "create payment") from error
        return base.Checkout(reference=str(payment.id), url=str(payment.checkout_url or ""))

    def fetch_status(self, reference: str) -> str:
        try:
            payment: Any = self.client().payments.get(reference)
        except Error as error:
            raise provider_error(error, "get payment") from error
        status = STATUSES.get(str(payment.status))
        if status is None:
            logger.warning("Mollie payment %s: unknown status %r", reference, payment.status)
            return base.OPEN
        return status

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        data = {"amount": mollie_amount(base.cents(amount)), "description": reason[:140]}
        try:
            payment: Any = self.client().payments.get(reference)
            refund: Any = payment.refunds.create(data, idempotency_key=str(uuid.uuid4()))
        except UnprocessableEntityError as error:
            logger.warning("Mollie refused a refund on %s: %s", reference, error)
            raise base.ProviderError(
                _("Le prestataire refuse ce remboursement (déjà remboursé ?).")
            ) from error
        except Error as error:
            raise provider_error(error, "refund") from error
        return str(refund["id"])

    def webhook_reference(self, request: HttpRequest) -> str:
        reference = request.POST.get("id", "")
        if not PAYMENT_ID.match(reference):
            raise base.WebhookRefused
        return reference


provider_register(MollieProvider())


@register(Tags.security, deploy=True)
def mollie_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return base.missing_settings_errors("mollie", ("MOLLIE_API_KEY",), "beffroi.E031")
