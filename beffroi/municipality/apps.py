from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class MunicipalityConfig(AppConfig):
    name = "beffroi.municipality"
    label = "municipality"
    verbose_name = "Commune et services"

    def ready(self) -> None:
        from beffroi.core.periodic import municipalities_register
        from beffroi.core.tenancy import municipality_fallback_register

        # The providers' keys' admin, standalone (the municipality's own admin is apart).
        from beffroi.municipality import admin_config  # noqa: F401
        from beffroi.municipality.models import Municipality, MunicipalityHost
        from beffroi.municipality.selectors import (
            active_municipality_ids,
            directory_forget,
            sole_municipality_id,
        )

        municipality_fallback_register(sole_municipality_id)
        municipalities_register(active_municipality_ids)
        for model in (Municipality, MunicipalityHost):
            post_save.connect(directory_forget, sender=model, dispatch_uid=f"directory-{model}")
            post_delete.connect(directory_forget, sender=model, dispatch_uid=f"directory-d-{model}")
