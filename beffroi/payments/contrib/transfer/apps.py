from __future__ import annotations

from django.apps import AppConfig


class TransferPaymentsConfig(AppConfig):
    name = "beffroi.payments.contrib.transfer"
    label = "payments_transfer"
    verbose_name = "Paiements par virement"

    def ready(self) -> None:
        # The provider registers itself when its module is imported.
        from beffroi.payments.contrib.transfer import plugin  # noqa: F401
