from __future__ import annotations

from django.apps import AppConfig


class CollegeConfig(AppConfig):
    name = "beffroi.college"
    label = "college"
    verbose_name = "Collège communal"

    def ready(self) -> None:
        from beffroi.college import services  # noqa: F401  (document context)
