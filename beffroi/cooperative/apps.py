from __future__ import annotations

from django.apps import AppConfig


class CooperativeConfig(AppConfig):
    """The intermunicipal cooperative's work on the municipalities it hosts:
    creating, suspending, exporting them and watching their usage. Above the
    domain apps, since it reads and creates in all of them."""

    name = "beffroi.cooperative"
    label = "cooperative"
    verbose_name = "Coopérative"
