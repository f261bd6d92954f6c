"""What a payment provider plugin implements (``contrib/<vendor>/plugin.py``)."""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beffroi.municipality.selectors import municipality_config

# What a provider may say of a payment, in Beffroi's words.
OPEN = "pending"
PAID = "paid"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"
PROVIDER_STATUSES = (OPEN, PAID, FAILED, EXPIRED, CANCELLED)


def cents(amount: Decimal) -> int:
    """Euros as the whole number of cents providers expect."""
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def provider_setting(name: str) -> Any:
    """A provider's key or option (``MOLLIE_API_KEY``…) for the current
    municipality: its own when it set them, else the installation's."""
    return municipality_config().setting(name)


class ProviderError(Exception):
    """The provider could not be reached or refused; ``message`` is for people, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def provider_unreachable() -> ProviderError:
    """The provider did not answer in time (or could not be reached)."""
    return ProviderError(
        _("Le prestataire de paiement ne répond pas. Réessayez dans quelques minutes.")
    )


def provider_failed() -> ProviderError:
    """The provider answered with an error of its own."""
    return ProviderError(
        _("Le prestataire de paiement a rencontré un problème. Réessayez dans quelques minutes.")
    )


def provider_unknown_payment() -> ProviderError:
    return ProviderError(_("Le prestataire de paiement ne connaît pas ce paiement."))


def missing_settings_errors(
    provider_name: str, names: tuple[str, ...], check_id: str
) -> list[CheckMessage]:
    """``check --deploy``: the chosen provider (``PAYMENT_PROVIDER``) lacks its keys."""
    if provider_name != settings.PAYMENT_PROVIDER:
        return []
    missing = [name for name in names if not getattr(settings, name)]
    if not missing:
        return []
    return [
        Error(
            f"PAYMENT_PROVIDER is {provider_name!r} but {', '.join(missing)} is not set: "
            "no payment can be started nor confirmed.",
            hint="Set them (or their _FILE variants) as docs/operations.md says.",
            id=check_id,
        )
    ]


class WebhookRefused(Exception):
    """A notification that is not the provider's (bad signature, no payment id)."""


class WebhookIgnored(Exception):
    """A notification that is the provider's (authenticated) but about nothing
    Beffroi follows (a refund's progress, another kind of object): answered
    « ok » so the provider does not send it again, and nothing changes."""


@dataclass(frozen=True)
class Checkout:
    """A payment opened at the provider: its id there and where the payer goes."""

    reference: str
    url: str


@dataclass(frozen=True)
class PaymentRequest:
    """What a provider is asked to charge, and where to send the payer back."""

    idempotency_key: uuid.UUID
    amount: Decimal
    description: str
    return_url: str
    webhook_url: str


class PaymentProvider(abc.ABC):
    """A payment provider. Calls may raise ``ProviderError``; never anything else
    for a provider's answer or silence."""

    name: str = ""
    label: str = ""
    # Whether the reconciliation job asks this provider again about its open
    # payments; False for one whose payments stay open for days (a transfer).
    polled: bool = True
    # Whether an open payment with this provider gives way when the payer
    # chooses another method: True where no money moved through Beffroi (a
    # transfer the payer may never make); a card checkout stays the one open.
    gives_way: bool = False

    @abc.abstractmethod
    def start(self, request: PaymentRequest) -> Checkout:
        """Open a payment (the same ``idempotency_key`` twice: the same one)."""

    @abc.abstractmethod
    def fetch_status(self, reference: str) -> str:
        """What the provider says now of payment ``reference`` (one of PROVIDER_STATUSES)."""

    @abc.abstractmethod
    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        """Give ``amount`` back on payment ``reference``; return the refund's id."""

    @abc.abstractmethod
    def webhook_reference(self, request: HttpRequest) -> str:
        """The payment a notification speaks of, once it is known to come from
        the provider; raise ``WebhookRefused`` otherwise. Its status is then
        fetched from the provider, never taken from the notification."""
