from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from beffroi.audit.services import audit_event_record
from beffroi.core.clientip import client_address


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Journals every account change in the transaction that makes it."""

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits key on the address every other limit uses.
        return client_address(request)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                audit_event_record(actor=user, action="account.signed_up", target=user)
        return user

    def confirm_email(self, request: HttpRequest, email_address: Any) -> Any:
        with transaction.atomic():
            result = super().confirm_email(request, email_address)
            audit_event_record(
                actor=email_address.user,
                action="account.email_verified",
                target=email_address.user,
            )
        return result

    def set_password(self, user: Any, password: str) -> None:
        with transaction.atomic():
            super().set_password(user, password)
            audit_event_record(actor=user, action="account.password_changed", target=user)
