"""Create the shipped document types and reply templates (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beffroi.mail.services import mail_reference_data_load


class Command(BaseCommand):
    help = "Creates the mail register's document types and reply templates; keeps existing ones."

    def handle(self, *args: Any, **options: Any) -> None:
        mail_reference_data_load(actor=None)
        self.stdout.write(self.style.SUCCESS("Mail reference data loaded."))
