from __future__ import annotations

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "beffroi.organisations"
    label = "organisations"
    verbose_name = "Associations et entreprises"

    def ready(self) -> None:
        from beffroi.organisations import actions, receivers  # noqa: F401
