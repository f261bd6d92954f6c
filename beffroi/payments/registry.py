"""The payment providers Beffroi knows, by name."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.translation import gettext as _

from beffroi.municipality.config import PAYMENT_PROVIDER_NAMES
from beffroi.municipality.selectors import municipality_config
from beffroi.payments.base import PaymentProvider, ProviderError

logger = logging.getLogger(__name__)

PROVIDERS: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> PaymentProvider:
    PROVIDERS[provider.name] = provider
    # What a municipality's settings may name (the municipality app cannot import this one).
    PAYMENT_PROVIDER_NAMES[provider.name] = provider.label or provider.name
    return provider


def provider_get(name: str) -> PaymentProvider | None:
    return PROVIDERS.get(name)


def default_provider() -> PaymentProvider:
    """The provider new payments go to: the current municipality's, else
    ``PAYMENT_PROVIDER`` (the demo one by default)."""
    name = municipality_config().payment_provider
    provider = PROVIDERS.get(name)
    if provider is None:
        # A setting mistyped: the payer reads a message, the operator the log.
        logger.error("Unknown payment provider %r (PAYMENT_PROVIDER)", name)
        raise ProviderError(_("Le paiement en ligne n'est pas disponible pour le moment."))
    return provider


@register(Tags.security, deploy=True)
def payment_provider_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A mistyped PAYMENT_PROVIDER: every payer would read « indisponible »."""
    if settings.PAYMENT_PROVIDER in PROVIDERS:
        return []
    return [
        Error(
            f"PAYMENT_PROVIDER is {settings.PAYMENT_PROVIDER!r}, which names no payment provider.",
            hint=f"Use one of: {', '.join(sorted(PROVIDERS))} (docs/operations.md).",
            id="beffroi.E030",
        )
    ]
