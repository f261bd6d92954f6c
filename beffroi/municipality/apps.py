from __future__ import annotations

from django.apps import AppConfig


class MunicipalityConfig(AppConfig):
    name = "beffroi.municipality"
    label = "municipality"
    verbose_name = "Commune et services"
