from __future__ import annotations

from django.apps import AppConfig


class MolliePaymentsConfig(AppConfig):
    name = "beffroi.payments.contrib.mollie"
    label = "payments_mollie"
    verbose_name = "Paiements (Mollie)"

    def ready(self) -> None:
        # The provider registers itself, and its deploy check, when imported.
        from beffroi.payments.contrib.mollie import plugin  # noqa: F401
