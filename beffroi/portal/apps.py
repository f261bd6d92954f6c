from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "beffroi.portal"
    label = "portal"
    verbose_name = "Portail citoyen"
