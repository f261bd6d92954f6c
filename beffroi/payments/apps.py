from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "beffroi.payments"
    label = "payments"
    verbose_name = "Paiements"
