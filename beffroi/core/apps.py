from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "beffroi.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        # Each app's tasks.py registers its background and periodic jobs.
        autodiscover_modules("tasks")
        from beffroi.core import checks  # noqa: F401  (registers the deploy checks)
        from beffroi.core.rls import post_migrate_install

        # post_migrate is sent once per app after every migration has run:
        # listening for this app's alone installs the policies once per migrate.
        post_migrate.connect(post_migrate_install, sender=self, dispatch_uid="beffroi.core.rls")
