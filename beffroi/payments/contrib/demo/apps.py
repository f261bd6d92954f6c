from __future__ import annotations

from django.apps import AppConfig


class DemoPaymentsConfig(AppConfig):
    name = "beffroi.payments.contrib.demo"
    label = "payments_demo"
    verbose_name = "Paiements (démonstration)"

    def ready(self) -> None:
        # The provider registers itself when its module is imported.
        from beffroi.payments.contrib.demo import plugin  # noqa: F401
