from __future__ import annotations

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "beffroi.backoffice"
    label = "backoffice"
    verbose_name = "Espace agents"
