from __future__ import annotations

from django.apps import AppConfig


class MunicipalityConfig(AppConfig):
    name = "beffroi.municipality"
    label = "municipality"
    verbose_name = "Commune et services"

    def ready(self) -> None:
        from beffroi.core.tenancy import municipality_fallback_register
        from beffroi.municipality.selectors import current_municipality

        municipality_fallback_register(lambda: current_municipality().pk)
