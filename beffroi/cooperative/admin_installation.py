"""The installation-wide models other apps put in the admin (accounts' e-mail
addresses, groups, the jobs' results) name people and work of every
municipality: the cooperative's administrators alone see them, never a
municipality's staff, whatever permissions it was given.

Imported by ``cooperative/admin.py``, after the other apps' admin modules
(``cooperative`` comes after them in ``INSTALLED_APPS``)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db import models

from beffroi.cooperative.admin_access import CooperativeOnly, InstallationWide


def installation_wide_registered() -> list[type[models.Model]]:
    """The models registered by apps other than Beffroi's, which have no municipality."""
    return [
        model
        for model in apps.get_models()
        if admin.site.is_registered(model)
        and not model.__module__.startswith("beffroi.")
        and not any(field.name == "municipality" for field in model._meta.get_fields())
    ]


def restrict_to_the_cooperative() -> None:
    for model in installation_wide_registered():
        model_admin = type(admin.site.get_model_admin(model))
        if issubclass(model_admin, CooperativeOnly):
            continue
        admin.site.unregister(model)
        admin.site.register(
            model, type(f"Cooperative{model_admin.__name__}", (InstallationWide, model_admin), {})
        )


restrict_to_the_cooperative()
