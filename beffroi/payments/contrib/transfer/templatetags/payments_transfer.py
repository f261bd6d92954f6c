"""What a page says of a bank transfer: the city's account and the communication."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings

from beffroi.payments.contrib.transfer.structured import structured_display, structured_valid

register = template.Library()


@dataclass(frozen=True)
class TransferAccount:
    iban: str
    bic: str
    beneficiary: str


@register.simple_tag
def transfer_account() -> TransferAccount:
    compact = "".join(settings.PAYMENT_TRANSFER_IBAN.split()).upper()
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return TransferAccount(
        iban=grouped,
        bic=settings.PAYMENT_TRANSFER_BIC,
        beneficiary=settings.PAYMENT_TRANSFER_BENEFICIARY,
    )


@register.filter
def structured(digits: str) -> str:
    """+++123/4567/89002+++ for a payment's 12 digits."""
    return structured_display(digits) if structured_valid(digits) else digits
