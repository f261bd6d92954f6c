"""``manage.py secrets_rotate``: after a new key was put first in
BEFFROI_SECRETS_KEYS, encrypt every stored secret under it; the old key
may then be removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beffroi.municipality.services import municipality_config_secrets_rotate


class Command(BaseCommand):
    help = "Encrypt the municipalities' secrets again under the first BEFFROI_SECRETS_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = municipality_config_secrets_rotate(actor=None)
        self.stdout.write(f"{count} municipality settings re-encrypted.")
