from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "beffroi.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from beffroi.accounts import receivers  # noqa: F401
