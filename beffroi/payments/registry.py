"""The payment providers Beffroi knows, by name."""

from __future__ import annotations

from django.conf import settings

from beffroi.payments.base import PaymentProvider

PROVIDERS: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> PaymentProvider:
    PROVIDERS[provider.name] = provider
    return provider


def provider_get(name: str) -> PaymentProvider | None:
    return PROVIDERS.get(name)


def default_provider() -> PaymentProvider:
    """The provider new payments go to (``PAYMENT_PROVIDER``, the demo one by default)."""
    provider = PROVIDERS.get(settings.PAYMENT_PROVIDER)
    if provider is None:
        raise LookupError(f"Unknown payment provider {settings.PAYMENT_PROVIDER!r}")
    return provider
