"""The demo provider: the default in development and tests.

Its « server » is a table of this project (``DemoCharge``) and its checkout
a page of its own (``views.py``), where the payer chooses « Payer »,
« Refuser » or « Abandonner ». Its notifications carry only the charge's id,
signed, and Beffroi reads the status back (``fetch_status``), the way real
providers are trusted.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.payments import base
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.registry import provider_register

# An unpaid demo charge expires after this long, as real checkouts do.
EXPIRES_AFTER = datetime.timedelta(hours=1)

STATUSES = {
    DemoCharge.Status.PAID: base.PAID,
    DemoCharge.Status.FAILED: base.FAILED,
    DemoCharge.Status.CANCELLED: base.CANCELLED,
}


def notification_signature(reference: str) -> str:
    """The signature the demo provider puts on its notifications."""
    key = hashlib.sha256(f"demo-payments:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, reference.encode(), hashlib.sha256).hexdigest()


def charge_settle(*, reference: str, outcome: str) -> DemoCharge | None:
    """The payer's choice on the checkout page; an already settled charge keeps its outcome."""
    with transaction.atomic():
        charge = DemoCharge.objects.select_for_update().filter(reference=reference).first()
        if charge is None:
            return None
        if charge.status == DemoCharge.Status.OPEN:
            charge.status = outcome
            charge.save(update_fields=["status"])
        return charge


class DemoProvider(base.PaymentProvider):
    name = "demo"
    label = "Paiement de démonstration"

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        charge = DemoCharge.objects.filter(idempotency_key=request.idempotency_key).first()
        if charge is None:
            charge = DemoCharge.objects.create(
                reference=f"demo_{secrets.token_hex(10)}",
                idempotency_key=request.idempotency_key,
                amount_cents=base.cents(request.amount),
                description=request.description[:200],
                return_url=request.return_url,
            )
        url = settings.SITE_URL + reverse("payments_demo:checkout", args=[charge.reference])
        return base.Checkout(reference=charge.reference, url=url)

    def fetch_status(self, reference: str) -> str:
        charge = DemoCharge.objects.filter(reference=reference).first()
        if charge is None:
            raise base.ProviderError(_("Le prestataire de paiement ne connaît pas ce paiement."))
        if charge.status == DemoCharge.Status.OPEN:
            if charge.created_at < timezone.now() - EXPIRES_AFTER:
                return base.EXPIRED
            return base.OPEN
        return STATUSES[DemoCharge.Status(charge.status)]

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        with transaction.atomic():
            charge = DemoCharge.objects.select_for_update().filter(reference=reference).first()
            if charge is None or charge.status != DemoCharge.Status.PAID:
                raise base.ProviderError(_("Le prestataire refuse : ce paiement n'a pas été reçu."))
            wanted = base.cents(amount)
            if charge.refunded_cents + wanted > charge.amount_cents:
                raise base.ProviderError(
                    _("Le prestataire refuse : c'est plus que ce qui reste à rembourser.")
                )
            charge.refunded_cents += wanted
            charge.save(update_fields=["refunded_cents"])
        return f"{reference}_refund_{secrets.token_hex(4)}"

    def webhook_reference(self, request: HttpRequest) -> str:
        reference = request.POST.get("id", "")
        signature = request.headers.get("X-Demo-Signature", "")
        if not reference or not hmac.compare_digest(signature, notification_signature(reference)):
            raise base.WebhookRefused
        return reference


provider_register(DemoProvider())
