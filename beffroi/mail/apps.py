from __future__ import annotations

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "beffroi.mail"
    label = "mail"
    verbose_name = "Courrier"
