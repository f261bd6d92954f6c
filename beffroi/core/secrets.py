"""Secrets kept in the database encrypted, under keys kept out of it.

A stolen dump or backup reveals no provider's key: the values are Fernet
tokens (AES-CBC with an HMAC) under ``BEFFROI_SECRETS_KEYS``, read from the
environment. A ``MultiFernet`` encrypts with the first key and decrypts with
any, so keys can be rotated without downtime.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class SecretUnreadable(Exception):
    """A stored secret no configured key decrypts (a key removed too early)."""


def secrets_cipher() -> MultiFernet:
    keys = settings.BEFFROI_SECRETS_KEYS
    if not keys:
        raise ImproperlyConfigured("BEFFROI_SECRETS_KEYS names no key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:  # not 32 url-safe base64 bytes
        raise ImproperlyConfigured(f"BEFFROI_SECRETS_KEYS holds an invalid key: {exc}") from exc


def secret_encrypt(value: str) -> str:
    return secrets_cipher().encrypt(value.encode()).decode("ascii")


def secret_decrypt(token: str) -> str:
    try:
        return secrets_cipher().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with BEFFROI_SECRETS_KEYS "
            "(was a key removed before secrets_rotate ran?)."
        ) from exc


def secret_rotate(token: str) -> str:
    """The same secret encrypted again under the first key."""
    try:
        return secrets_cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SecretUnreadable("A stored secret cannot be decrypted.") from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token; Python sees the clear text, "" for none.

    Encryption is randomised, so the column cannot be searched nor compared:
    only ever read it with its row.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return secret_decrypt(str(value))

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return secret_encrypt(str(value))
