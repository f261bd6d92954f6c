from __future__ import annotations

from django.apps import AppConfig


class StripePaymentsConfig(AppConfig):
    name = "beffroi.payments.contrib.stripe"
    label = "payments_stripe"
    verbose_name = "Paiements (Stripe)"

    def ready(self) -> None:
        # The provider registers itself, and its deploy check, when imported.
        from beffroi.payments.contrib.stripe import plugin  # noqa: F401
