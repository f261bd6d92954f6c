from __future__ import annotations

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "beffroi.agenda"
    label = "agenda"
    verbose_name = "Agenda et annuaire des commerces"

    def ready(self) -> None:
        from beffroi.agenda import actions  # noqa: F401
