from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from beffroi.audit.services import audit_event_record


@receiver(user_logged_in)
def journal_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_event_record(actor=user, action="account.logged_in", target=user)


@receiver(user_logged_out)
def journal_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_event_record(actor=user, action="account.logged_out", target=user)
