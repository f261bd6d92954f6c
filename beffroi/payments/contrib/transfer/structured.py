"""Belgian structured communications (« communication structurée », OGM-VCS):
ten digits and their two check digits (mod 97), written +++123/4567/89002+++."""

from __future__ import annotations

import re
import uuid

from stdnum.be import ogm_vcs

# As payers and banks write it in a free communication.
WRITTEN = re.compile(
    r"(?:\+\+\+|\*\*\*)?\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*(?:\+\+\+|\*\*\*)?"
)


def structured_from_number(number: int) -> str:
    """The 12 digits for ``number`` (its last ten digits; 0 is never used:
    a check value of 0 is written 97)."""
    base = f"{number % 10**10:010d}"
    return base + ogm_vcs.calc_check_digits(base)


def structured_for_key(key: uuid.UUID, attempt: int = 0) -> str:
    """The communication of the payment with idempotency ``key`` (the same
    key, the same communication); ``attempt`` draws another on a collision."""
    return structured_from_number(key.int + attempt * 7919)


def structured_display(digits: str) -> str:
    """+++123/4567/89002+++"""
    return f"+++{ogm_vcs.format(digits)}+++"


def structured_valid(digits: str) -> bool:
    return bool(ogm_vcs.is_valid(digits))


def structured_in_text(text: str) -> str:
    """The valid structured communication written in ``text``, or ""."""
    for match in WRITTEN.finditer(text or ""):
        digits = "".join(match.groups())
        if structured_valid(digits):
            return digits
    return ""
