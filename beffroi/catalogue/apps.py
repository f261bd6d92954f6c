from __future__ import annotations

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "beffroi.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue des démarches"
