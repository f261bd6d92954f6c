"""Tracking codes and references of cases."""

from __future__ import annotations

import secrets

from beffroi.core.counters import counter_next

# Consonants only: no vowel means no word can be spelled by chance, and no
# Y, no digit, nothing to confuse when read over the phone.
TRACKING_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
TRACKING_LENGTH = 8


def new_tracking_code() -> str:
    """8 letters drawn with the operating system's cryptographic generator.

    20**8 (25.6 billion) codes: uniqueness is enforced by the database and a
    clash is simply drawn again by the caller.
    """
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def is_tracking_code(value: str) -> bool:
    return len(value) == TRACKING_LENGTH and all(ch in TRACKING_ALPHABET for ch in value)


def new_case_reference(*, year: int) -> str:
    """The next reference of the year, e.g. 2026-000123 (inside a transaction)."""
    return f"{year}-{counter_next(name=f'case:{year}'):06d}"
