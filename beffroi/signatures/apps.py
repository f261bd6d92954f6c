from __future__ import annotations

from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "beffroi.signatures"
    label = "signatures"
    verbose_name = "Signatures"

    def ready(self) -> None:
        # Registers the deployment checks of the seal.
        from beffroi.signatures import checks  # noqa: F401
