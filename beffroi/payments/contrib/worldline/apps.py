from __future__ import annotations

from django.apps import AppConfig


class WorldlinePaymentsConfig(AppConfig):
    name = "beffroi.payments.contrib.worldline"
    label = "payments_worldline"
    verbose_name = "Paiements (Worldline)"

    def ready(self) -> None:
        # The provider registers itself, and its deploy check, when imported.
        from beffroi.payments.contrib.worldline import plugin  # noqa: F401
