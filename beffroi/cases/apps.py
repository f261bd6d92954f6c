from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beffroi.cases"
    label = "cases"
    verbose_name = "Demandes"

    def ready(self) -> None:
        # Workflow actions register themselves when their module is imported.
        from beffroi.cases import opinions  # noqa: F401
