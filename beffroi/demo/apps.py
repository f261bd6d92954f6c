from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "beffroi.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
