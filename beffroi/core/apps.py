from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "beffroi.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        # Each app's tasks.py registers its background and periodic jobs.
        autodiscover_modules("tasks")
        from beffroi.core import checks  # noqa: F401  (registers the deploy checks)
