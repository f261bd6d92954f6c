"""Verification codes of issued documents, and the address they lead to."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

# The tracking codes' alphabet (see cases/codes.py): consonants only, so no
# word is spelled by chance and nothing is confused when read aloud.
VERIFICATION_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
# 20**16 (about 6.5e20, 69 bits): unguessable, even without the rate limit.
VERIFICATION_LENGTH = 16
GROUP = 4


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


def normalise_verification_code(raw: str) -> str:
    """Upper case, without the spaces and dashes people type between groups."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def is_verification_code(value: str) -> bool:
    return len(value) == VERIFICATION_LENGTH and all(ch in VERIFICATION_ALPHABET for ch in value)


def format_verification_code(code: str) -> str:
    """``BCDF-GHJK-LMNP-QRST``: groups of four are easier to read and type."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def verification_path(code: str) -> str:
    return reverse("portal:verification_detail", kwargs={"code": code})


def verification_url(code: str) -> str:
    """The absolute address of the public verification page, printed and in the QR code."""
    return f"{settings.SITE_URL}{verification_path(code)}"
