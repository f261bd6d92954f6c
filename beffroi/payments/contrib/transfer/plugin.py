"""Bank transfer with a structured communication: a payment method whose
« provider » is the city's own bank account.

Starting a payment draws its structured communication (the payment's
``provider_reference``, unique like every provider's reference); the payer
is sent to the payment page, which shows the city's IBAN, the amount and
the communication. The bank's CODA statements are this provider's server:
a payment is paid once a statement's credit is matched to it
(``services.coda_import``, ``services.bank_credit_match``), and its status
is then read here, the way every provider is trusted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beffroi.payments import base
from beffroi.payments.contrib.transfer.models import MATCHED, BankCredit
from beffroi.payments.contrib.transfer.structured import structured_for_key
from beffroi.payments.models import Payment
from beffroi.payments.registry import provider_register

NAME = "transfer"


def transfer_available() -> bool:
    """Whether « Payer par virement » is offered (the city's IBAN is set)."""
    return bool(settings.PAYMENT_TRANSFER_IBAN.strip())


class TransferProvider(base.PaymentProvider):
    name = NAME
    label = "Virement bancaire"
    # Open until the money is on a statement, for days: its own job settles it.
    polled = False
    # A payer who chose the transfer may still pay by card: a transfer made
    # later anyway waits in the credits to match (and is given back).
    gives_way = True

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        if not transfer_available():
            raise base.ProviderError(_("Le paiement par virement n'est pas disponible."))
        taken = Payment.objects.filter(provider=NAME).exclude(
            idempotency_key=request.idempotency_key
        )
        attempt = 0
        reference = structured_for_key(request.idempotency_key)
        while taken.filter(provider_reference=reference).exists():
            attempt += 1
            reference = structured_for_key(request.idempotency_key, attempt)
        # The payer's « checkout » is the payment page itself, with what to transfer.
        return base.Checkout(reference=reference, url=request.return_url)

    def fetch_status(self, reference: str) -> str:
        matched = BankCredit.objects.filter(
            payment__provider=NAME, payment__provider_reference=reference, status__in=MATCHED
        ).exists()
        return base.PAID if matched else base.OPEN

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        # Money sent back by the finance service from the bank's own site.
        raise base.ProviderError(
            _(
                "Un virement se rembourse par un virement du service des finances : "
                "il ne peut pas être remboursé d'ici."
            )
        )

    def webhook_reference(self, request: HttpRequest) -> str:
        # A bank sends no notification: statements are imported.
        raise base.WebhookRefused


provider_register(TransferProvider())
